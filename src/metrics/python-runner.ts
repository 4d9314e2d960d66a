/**
 * The Python side of the `python` metric, run as `python3 -u -c RUNNER`: one JSON request per line on stdin,
 * one JSON answer per line on the real stdout. A string here rather than a shipped .py file, so the built
 * package needs no extra folder and the script cannot go missing.
 *
 * Requests: `{id, op: "load"|"call", code?, file?, fn?, output?, context?, cwd?}`. `load` compiles inline code or
 * imports a file and checks its function, so mistakes surface when the suite loads; `call` runs it. Answers:
 * `{id, value}` or `{id, error: {type, message, where?, usage?}}` (`usage`: a mistake in the suite, not in a cell).
 * User code's prints go to stderr and its stdin is empty (the runner keeps its own copies of fds 0 and 1), so it
 * cannot corrupt the protocol.
 */
export const PYTHON_RUNNER = String.raw`
import dataclasses, importlib.util, json, math, os, re, sys, traceback

# The protocol keeps its own copies of fds 0 and 1; user code gets an empty stdin and a stdout that is stderr.
_proto = os.fdopen(os.dup(1), 'w', encoding='utf-8')
_requests = os.fdopen(os.dup(0), 'r', encoding='utf-8')
os.dup2(2, 1)
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
sys.stdout = sys.stderr
sys.stdin = open(os.devnull, 'r')

INLINE = '<llmlab inline>'
_inline = {}
_files = {}

class Usage(Exception):
    pass

def _compile(code):
    fn = _inline.get(code)
    if fn is not None:
        return fn
    lines = code.strip('\n').split('\n')
    source = None
    if len(lines) == 1:
        # One line is an expression; the newline keeps a trailing comment from swallowing the parenthesis.
        source = 'def __llmlab_check(output, context):\n return (' + lines[0].strip() + '\n )\n'
        try:
            compiled = compile(source, INLINE, 'exec')
        except SyntaxError:
            source = None
    if source is None:
        # promptfoo's rule: every line gets the indentation of the first indented line (or four spaces).
        indent = next((l[:len(l) - len(l.lstrip())] for l in lines if l.strip() and l[0] in ' \t'), '    ')
        body = '\n'.join(indent + l for l in lines)
        source = 'def __llmlab_check(output, context):\n' + body + '\n'
        try:
            compiled = compile(source, INLINE, 'exec')
        except SyntaxError as e:
            raise Usage('does not compile: %s (line %s)' % (e.msg, (e.lineno or 2) - 1))
    scope = {'json': json, 'math': math, 're': re, '__name__': '__llmlab_inline__'}
    exec(compiled, scope)
    fn = scope['__llmlab_check']
    _inline[code] = fn
    return fn

def _load(path, name):
    try:
        st = os.stat(path)
    except OSError:
        raise Usage('file not found: %s' % path)
    version = (st.st_mtime_ns, st.st_size)
    cached = _files.get(path)
    if cached is None or cached[0] != version:
        folder = os.path.dirname(path)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        spec = importlib.util.spec_from_file_location('llmlab_check_%d' % len(_files), path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cached = (version, module)
        _files[path] = cached
    fn = getattr(cached[1], name, None)
    if not callable(fn):
        names = [k for k, v in vars(cached[1]).items() if callable(v) and not k.startswith('_') and getattr(v, '__module__', None) == cached[1].__name__]
        raise Usage('defines no function %s%s' % (name, ('; it defines ' + ', '.join(names)) if names else ''))
    return fn

def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    item = getattr(value, 'item', None)
    if callable(item):
        return item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError('a %s, which is not JSON' % type(value).__name__)

def _where(tb):
    frames = [f for f in traceback.extract_tb(tb) if f.filename != '<string>']
    if not frames:
        return None
    f = frames[-1]
    if f.filename == INLINE:
        return 'line %d of the inline code' % max(f.lineno - 1, 1)
    return '%s:%d in %s' % (os.path.basename(f.filename), f.lineno, f.name)

def _handle(req):
    code = req.get('code')
    fn = _compile(code) if code is not None else _load(req['file'], req['fn'])
    if req['op'] == 'load':
        return None
    cwd = req.get('cwd')
    if cwd and os.getcwd() != cwd:
        os.chdir(cwd)
    return fn(req['output'], req['context'])

for line in _requests:
    req = json.loads(line)
    try:
        answer = {'id': req['id'], 'value': _handle(req)}
    except Usage as e:
        answer = {'id': req['id'], 'error': {'type': 'Usage', 'message': str(e), 'usage': True}}
    except BaseException as e:
        usage = req['op'] == 'load'
        answer = {'id': req['id'], 'error': {'type': type(e).__name__, 'message': str(e), 'where': _where(e.__traceback__), 'usage': usage}}
    try:
        text = json.dumps(answer, default=_plain, allow_nan=False)
    except (TypeError, ValueError) as e:
        text = json.dumps({'id': req['id'], 'error': {'type': 'Result', 'message': 'returned %s' % (str(e) if isinstance(e, TypeError) else 'a number that is not finite')}})
    _proto.write(text + '\n')
    _proto.flush()
`;
