/**
 * The file side of every streamed report: pieces are pulled lazily from an iterable and written in writes of about
 * 64 KiB, so a 100,000-cell report never exists as one string. Lazy pulling lets a generator yield a tail that
 * depends on what it streamed before it (the HTML report's targets).
 */
import { writeAtomic } from './write-atomic.js';

const CHUNK = 1 << 16;

/** Writes the pieces to `path` (creating its folder), in order, replacing the file atomically (see ./write-atomic.ts). */
export function writeChunked(path: string, pieces: Iterable<string>): void {
  writeAtomic(path, (write) => {
    let chunk = '';
    for (const piece of pieces) {
      chunk += piece;
      if (chunk.length > CHUNK) {
        write(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') write(chunk);
  });
}
