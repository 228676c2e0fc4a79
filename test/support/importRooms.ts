/**
 * The import graph between the rooms of src/ and webview/ (a room: a folder under src/, a file
 * directly in src/, or webview/), read from the sources' own import statements. The architecture
 * test holds it to "imports only run down": no two rooms import each other, no loop through
 * several rooms.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RoomImport {
  from: string;
  to: string;
  /** One file -> file import that makes this arrow (the first met), to name in a failure. */
  example: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** `src/engine/session/x.ts` -> `src/engine`; `src/services.ts` -> `src/services.ts`; `webview/...` -> `webview`. */
export function roomOf(root: string, file: string): string | undefined {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === 'webview') {
    return 'webview';
  }
  if (parts[0] !== 'src' || parts.length < 2) {
    return undefined;
  }
  return parts.length === 2 ? `src/${parts[1].replace(/\.tsx?$/, '.ts')}` : `src/${parts[1]}`;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return candidate;
    }
  }
  return base;
}

/** Every file is its own room: the same graph, one level finer (for loops between files). */
export function fileOf(root: string, file: string): string | undefined {
  return roomOf(root, file) ? path.relative(root, file) : undefined;
}

export function roomImports(root: string, roomOfFile: (root: string, file: string) => string | undefined = roomOf): RoomImport[] {
  const arrows = new Map<string, RoomImport>();
  const files = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'webview'))];
  for (const file of files) {
    const from = roomOfFile(root, file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(file, match[1] ?? match[2] ?? match[3]);
      const to = target && roomOfFile(root, target);
      if (!from || !to || from === to) {
        continue;
      }
      const key = `${from} -> ${to}`;
      if (!arrows.has(key)) {
        arrows.set(key, { from, to, example: `${path.relative(root, file)} -> ${path.relative(root, target)}` });
      }
    }
  }
  return [...arrows.values()];
}

/**
 * The rooms in an order where every import runs down (importers first), and the arrows that make a
 * loop (both ends in one strongly connected set of rooms), which prevent such an order.
 */
export function layerOrder(arrows: readonly RoomImport[]): { order: string[]; loops: RoomImport[] } {
  const remaining = new Set(arrows.flatMap((a) => [a.from, a.to]));
  const order: string[] = [];
  for (;;) {
    const top = [...remaining].filter((room) => !arrows.some((a) => a.to === room && remaining.has(a.from))).sort();
    if (top.length === 0) {
      break;
    }
    top.forEach((room) => remaining.delete(room));
    order.push(...top);
  }
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>([from]);
    const queue = [from];
    while (queue.length > 0) {
      const room = queue.shift()!;
      for (const arrow of arrows.filter((a) => a.from === room && !seen.has(a.to))) {
        if (arrow.to === to) {
          return true;
        }
        seen.add(arrow.to);
        queue.push(arrow.to);
      }
    }
    return false;
  };
  return { order, loops: arrows.filter((a) => reaches(a.to, a.from)) };
}
