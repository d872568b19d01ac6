// Fixtures with a caret: `|` marks where the cursor is.

/** `fixture` without its caret, and the caret's offset in that text. */
export function caret(fixture: string, marker = '|'): { text: string; offset: number } {
  const offset = fixture.indexOf(marker);
  if (offset < 0) throw new Error(`the fixture needs a ${marker} caret`);
  return { text: fixture.slice(0, offset) + fixture.slice(offset + marker.length), offset };
}
