/**
 * Type declarations for the part of yauzl (https://github.com/thejoshwolfe/yauzl, 3.x) that
 * lib/datasets/beir-archive.ts uses. yauzl ships no types; these follow its README (API section)
 * so the project needs no @types package.
 */
declare module 'yauzl' {
  import type { Readable } from 'node:stream';

  export interface OpenOptions {
    autoClose?: boolean;
    decodeStrings?: boolean;
    validateEntrySizes?: boolean;
    strictFileNames?: boolean;
  }

  export interface Entry {
    /** Path inside the archive, '/'-separated; directories end with '/'. Validated (no '..', not absolute). */
    fileName: string;
    compressedSize: number;
    uncompressedSize: number;
    /** CRC-32 from the central directory; yauzl itself does not check it. */
    crc32: number;
    compressionMethod: number;
    canDecodeFileData(): boolean;
    isEncrypted(): boolean;
  }

  export interface ZipFile {
    readonly entryCount: number;
    readonly isOpen: boolean;
    /** Entries in central-directory order (requires lazyEntries, which openPromise sets). */
    eachEntry(): AsyncIterableIterator<Entry>;
    openReadStreamPromise(entry: Entry): Promise<Readable>;
    close(): void;
  }

  /** Opens a zip file by path, reading its central directory (lazyEntries is always true). */
  export function openPromise(path: string, options?: OpenOptions): Promise<ZipFile>;
}
