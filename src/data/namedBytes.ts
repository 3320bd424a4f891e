/** One input file as bytes with its relative path ("cat/001.png"); what every loader takes. */
export interface NamedBytes {
  /** Relative path with '/' separators; a name ending in '/' marks a (possibly empty) folder. */
  name: string;
  bytes: Uint8Array;
}

/** Normalises separators to '/', drops "./" and leading "/" segments, and collapses "//". */
export function normalisePath(name: string): string {
  return name.replace(/\\/g, '/').split('/').filter((s, i, all) => s !== '.' && (s !== '' || i === all.length - 1))
    .join('/');
}

/** Path components of a normalised name, without a trailing empty segment. */
export function pathParts(name: string): string[] {
  return normalisePath(name).split('/').filter((s) => s !== '');
}

/** The last path component ("cat/001.png" -> "001.png"). */
export function baseName(name: string): string {
  const parts = pathParts(name);
  return parts.length === 0 ? '' : parts[parts.length - 1];
}

/** True for entries that mark folders (name ends in '/'). */
export function isFolderEntry(file: NamedBytes): boolean {
  return /[\\/]$/.test(file.name);
}

/** True for hidden or OS-metadata paths ignored silently: any ".xxx" component, __MACOSX, Thumbs.db. */
export function isHiddenPath(name: string): boolean {
  return pathParts(name).some((p) => p.startsWith('.') || p === '__MACOSX' || p.toLowerCase() === 'thumbs.db' ||
    p.toLowerCase() === 'desktop.ini');
}

/** Lower-case extension including the dot ("" when none). */
export function extensionOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}
