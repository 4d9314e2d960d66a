/**
 * Quitting watch mode: `q` or Ctrl-C on an interactive terminal (raw mode, where Ctrl-C is a key, not a
 * signal), and SIGINT / SIGTERM / SIGHUP otherwise.
 */
export function onQuit(quit: () => void, stdin: NodeJS.ReadStream = process.stdin): () => void {
  const onData = (data: Buffer | string) => {
    const text = data.toString();
    if (text.includes('q') || text.includes('\u0003')) quit();
  };
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) {
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  }
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  process.on('SIGHUP', quit);
  return () => {
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
    process.off('SIGHUP', quit);
    if (raw) {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    }
  };
}
