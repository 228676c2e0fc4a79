/**
 * The one order names are listed in, everywhere (the trees, every picker, the topology's scope
 * list): natural, so that n2 comes before n10, and without regard to case or accents. One collator
 * for every sort: localeCompare with options builds a new collator per call, which made sorting
 * most of the inventory's cost on a host with hundreds of containers. Pure.
 */
const naturalCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** n1, n2, n10 (not n1, n10, n2). */
export function compareNames(a: string, b: string): number {
  return naturalCollator.compare(a, b);
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return compareNames(a.name, b.name);
}
