/**
 * Edited tests across two watch iterations. A test's id hashes its description and vars (unless the user gave
 * one), so editing a test gives it a new id, and `llmlab compare` sees one test removed and another added. Watch
 * mode knows both versions of the suite, so it pairs an edited test with its previous version and shows its new
 * verdict beside the old one.
 */
import type { Store } from '../store/index.js';
import type { TestCase } from '../types.js';

/** What pairing needs of a test: its id and description, in suite order. */
export type TestRef = Pick<TestCase, 'id' | 'description'>;

/** Tests whose id is in one suite only: pairs of versions of one edited test, and the rest. */
export interface TestEdits {
  /** [previous version, current version]. */
  edited: Array<[TestRef, TestRef]>;
  added: TestRef[];
  removed: TestRef[];
}

/**
 * Pairs the tests whose id changed: first by a description that names exactly one removed and one added test,
 * then by position, in order, between the same two unchanged neighbours (an edit in place keeps its place).
 */
export function pairEditedTests(before: readonly TestRef[], after: readonly TestRef[]): TestEdits {
  const beforeIds = new Set(before.map((t) => t.id));
  const afterIds = new Set(after.map((t) => t.id));
  let removed = before.filter((t) => !afterIds.has(t.id));
  let added = after.filter((t) => !beforeIds.has(t.id));
  const edited: Array<[TestRef, TestRef]> = [];

  // Sets and counts, not searches: a change to every test's id (a dataset reshaped) must not cost n² steps.
  const byDescription = (tests: TestRef[]) => {
    const found = new Map<string, TestRef[]>();
    for (const t of tests) {
      if (t.description === undefined) continue;
      const same = found.get(t.description);
      if (same) same.push(t);
      else found.set(t.description, [t]);
    }
    return found;
  };
  const removedBy = byDescription(removed);
  for (const [d, nexts] of byDescription(added)) {
    const prevs = removedBy.get(d);
    if (nexts.length === 1 && prevs?.length === 1) edited.push([prevs[0]!, nexts[0]!]);
  }
  const paired = new Set(edited.flat());
  removed = removed.filter((t) => !paired.has(t));
  added = added.filter((t) => !paired.has(t));

  // The unchanged test each remaining one follows: tests in the same gap were edited in place, in order.
  const both = new Set(before.filter((t) => afterIds.has(t.id)).map((t) => t.id));
  const gaps = (tests: readonly TestRef[], left: TestRef[]) => {
    const leftSet = new Set(left);
    const byGap = new Map<string, TestRef[]>();
    let anchor = '';
    for (const t of tests) {
      if (both.has(t.id)) anchor = t.id;
      else if (leftSet.has(t)) {
        const gap = byGap.get(anchor);
        if (gap) gap.push(t);
        else byGap.set(anchor, [t]);
      }
    }
    return byGap;
  };
  const removedGaps = gaps(before, removed);
  for (const [anchor, nexts] of gaps(after, added)) {
    const prevs = removedGaps.get(anchor) ?? [];
    for (let i = 0; i < Math.min(prevs.length, nexts.length); i++) edited.push([prevs[i]!, nexts[i]!]);
  }
  const pairedNow = new Set(edited.flat());
  const position = new Map(after.map((t, i) => [t, i]));
  return {
    edited: edited.sort((x, y) => position.get(x[1])! - position.get(y[1])!),
    added: added.filter((t) => !pairedNow.has(t)),
    removed: removed.filter((t) => !pairedNow.has(t)),
  };
}

type Verdict = 'pass' | 'fail' | 'error';

/** One cell of an edited or added test: where it ran and its verdicts (none before for an added test). */
export interface EditedCell {
  test: TestRef;
  promptId: string;
  providerLabel: string;
  repeatIndex: number;
  before?: Verdict;
  after: Verdict;
}

/** The cells of the edited tests (old → new verdict) and of the added ones (new verdict) that ran in run B. */
export function editedCells(store: Store, runA: string, runB: string, edits: TestEdits): { edited: EditedCell[]; added: EditedCell[] } {
  const previousOf = new Map(edits.edited.map(([prev, next]) => [next.id, prev.id]));
  const addedIds = new Map(edits.added.map((t) => [t.id, t]));
  const current = new Map(edits.edited.map(([, next]) => [next.id, next]));
  const wantedBefore = new Set(previousOf.values());
  const key = (testId: string, promptId: string, providerLabel: string, repeatIndex: number) =>
    JSON.stringify([testId, promptId, providerLabel, repeatIndex]);
  const before = new Map<string, Verdict>();
  if (wantedBefore.size > 0) {
    for (const v of store.results.verdicts(runA)) {
      if (wantedBefore.has(v.testId)) before.set(key(v.testId, v.promptId, v.providerLabel, v.repeatIndex), v.status);
    }
  }
  const edited: EditedCell[] = [];
  const added: EditedCell[] = [];
  if (previousOf.size + addedIds.size === 0) return { edited, added };
  for (const v of store.results.verdicts(runB)) {
    const cell = { promptId: v.promptId, providerLabel: v.providerLabel, repeatIndex: v.repeatIndex, after: v.status };
    const previousId = previousOf.get(v.testId);
    if (previousId !== undefined) {
      const was = before.get(key(previousId, v.promptId, v.providerLabel, v.repeatIndex));
      edited.push({ ...cell, test: current.get(v.testId)!, ...(was ? { before: was } : {}) });
    } else if (addedIds.has(v.testId)) {
      added.push({ ...cell, test: addedIds.get(v.testId)! });
    }
  }
  // The store streams cells by test id: show them in suite order instead.
  const order = new Map([...edits.edited.map(([, next]) => next), ...edits.added].map((t, i) => [t, i]));
  const bySuite = (x: EditedCell, y: EditedCell) => order.get(x.test)! - order.get(y.test)!;
  return { edited: edited.sort(bySuite), added: added.sort(bySuite) };
}
