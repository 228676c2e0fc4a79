/**
 * The one file of a `GET /containers/{id}/archive?path=FILE` answer (a tar stream), for reading a
 * container's /etc/hosts and /etc/resolv.conf through the Engine API when neither this machine nor
 * the container's own tools can (the doctor through a helper: A may have no `cat`). Pure.
 *
 * Only what the engine sends for one file is read: ustar headers of 512 bytes, the size in octal at
 * offset 124, pax (`x`, `g`) and GNU long-name (`L`) records before the entry skipped. The entry
 * must be a regular file (a symlink or a folder is not read: its target would be the engine's
 * choice, not the container's resolution), and at most maxBytes long.
 */
const BLOCK = 512;

function octal(header: Uint8Array, offset: number, length: number): number | undefined {
  const text = new TextDecoder().decode(header.subarray(offset, offset + length)).replace(/\0.*$/s, '').trim();
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

export function archiveFileText(tar: Uint8Array, maxBytes: number): string | undefined {
  let at = 0;
  // A few metadata records at most precede the entry.
  for (let records = 0; records < 8 && at + BLOCK <= tar.length; records++) {
    const header = tar.subarray(at, at + BLOCK);
    const size = octal(header, 124, 12);
    if (size === undefined) {
      return undefined;
    }
    const type = String.fromCharCode(header[156]);
    const start = at + BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      at = start + Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    if ((type !== '0' && type !== '\0') || size > maxBytes || start + size > tar.length) {
      return undefined;
    }
    return new TextDecoder().decode(tar.subarray(start, start + size));
  }
  return undefined;
}
