import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { ExportTarget } from './table';

export interface OpenTarget {
  /** Where the writer writes: the temporary file, or the caller's stream. */
  stream: Writable;
  /** Writes a chunk, waiting for 'drain' when the stream's buffer is full. */
  write(chunk: string | Buffer): Promise<void>;
  /** Resolves at once, or when the stream's full buffer has drained; rejects if it fails or closes. */
  drained(): Promise<void>;
  /** Ends the stream (unless someone else already did) and, for a path, renames it into place. */
  finish(options?: { alreadyEnded?: boolean }): Promise<void>;
  /** Destroys the stream and removes the temporary file. Never throws. */
  fail(error: unknown): Promise<void>;
}

/**
 * A path is written as `<path>.<random>.partial` and renamed at the end, so a reader (a download
 * page, a registrar's script) never sees half a file. A stream is ended by the writer.
 */
export function openTarget(target: ExportTarget): OpenTarget {
  const temporary = typeof target === 'string' ? `${target}.${randomBytes(6).toString('hex')}.partial` : undefined;
  const stream: Writable = temporary ? createWriteStream(temporary) : (target as Writable);
  let failure: unknown;
  // Without a listener an 'error' event would crash the process; remember it and throw on the next write.
  const onError = (error: unknown) => {
    failure ??= error;
  };
  stream.on('error', onError);

  const check = () => {
    if (failure) throw failure;
    if (stream.destroyed || stream.writableEnded) throw new Error('the export stream was closed before the export finished');
  };

  const drained = async (): Promise<void> => {
    check();
    if (!stream.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const done = (error?: unknown) => {
        stream.off('drain', onDrain);
        stream.off('error', onFail);
        stream.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onFail = (error: unknown) => done(error);
      const onClose = () => done(failure ?? new Error('the export stream was closed before the export finished'));
      stream.on('drain', onDrain);
      stream.on('error', onFail);
      stream.on('close', onClose);
    });
  };

  return {
    stream,
    drained,
    async write(chunk) {
      check();
      if (!stream.write(chunk)) await drained();
    },
    async finish(options = {}) {
      if (failure) throw failure;
      if (!options.alreadyEnded) stream.end();
      // A file stream is done when its descriptor is closed; a caller's stream when it has flushed.
      await finished(stream, temporary ? {} : { readable: false });
      if (failure) throw failure;
      if (temporary && typeof target === 'string') await rename(temporary, target);
    },
    async fail(error) {
      failure ??= error;
      if (!stream.destroyed) stream.destroy();
      if (temporary) await unlink(temporary).catch(() => undefined);
    },
  };
}
