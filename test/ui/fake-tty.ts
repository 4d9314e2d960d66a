/** A writable that claims to be a terminal, collecting what Ink writes to it. */
import { PassThrough, Writable } from 'node:stream';

export function fakeTty(columns = 100, rows = 30): NodeJS.WriteStream & { output(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { isTTY: true, columns, rows, output: () => text }) as unknown as NodeJS.WriteStream & {
    output(): string;
  };
}

/** A stdin that is not a terminal: no raw mode, so the TUI listens for no keys. */
export function pipedStdin(): NodeJS.ReadStream {
  return Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
}
