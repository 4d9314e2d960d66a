"""Python checks for docs/examples/python.yaml: each gets the output (str) and the context (dict)."""


def get_assert(output, context):
    # A dict verdict: pass (or pass_), score and reason are all optional but one of pass/score.
    polite = not any(word in output.lower() for word in ("stupid", "obviously"))
    return {"pass": polite, "score": 1.0 if polite else 0.0, "reason": "polite" if polite else "impolite wording"}


def at_most_words(output, context):
    return len(output.split()) <= context["config"]["limit"]
