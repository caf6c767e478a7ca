/**
 * A minimal zip writer for test fixtures, on node:zlib alone (deflateRawSync, crc32): no
 * dependency, and independent of the reader under test (yauzl), so the reader is checked against
 * archives it did not write. Writes deflated or stored entries, folders, and, like streaming
 * zippers (macOS, Java), data descriptors with zeroed sizes in the local headers.
 * Not ZIP64: fixtures stay far below 4 GiB.
 */
import zlib from 'node:zlib';

export interface ZipEntry {
  /** '/'-separated; a name ending in '/' is a folder. */
  name: string;
  data?: string | Buffer;
  /** 8 deflate (default), 0 stored. */
  method?: 0 | 8;
}

export interface ZipOptions {
  /** Write sizes and CRC after each entry's data (general purpose flag bit 3). */
  dataDescriptors?: boolean;
}

// 2024-01-01 00:00:00 in MS-DOS format.
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

export function zipEntries(entries: readonly ZipEntry[], options: ZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const isDir = entry.name.endsWith('/');
    const raw = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? '', 'utf8');
    const method = isDir ? 0 : (entry.method ?? 8);
    const body = method === 8 ? zlib.deflateRawSync(raw) : raw;
    const crc = zlib.crc32(raw) >>> 0;
    const name = Buffer.from(entry.name, 'utf8');
    const dd = options.dataDescriptors === true && !isDir;
    const flags = 0x0800 | (dd ? 0x0008 : 0);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(dd ? 0 : crc, 14);
    local.writeUInt32LE(dd ? 0 : body.length, 18);
    local.writeUInt32LE(dd ? 0 : raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const chunk = [local, name, body];
    if (dd) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(body.length, 8);
      descriptor.writeUInt32LE(raw.length, 12);
      chunk.push(descriptor);
    }

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(raw.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(isDir ? 0x10 : 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);

    for (const c of chunk) {
      parts.push(c);
      offset += c.length;
    }
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}
