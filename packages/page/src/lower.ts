/** Marks a code unit whose lower case is not one code unit of its own. */
export const NO_LOWER = 0xffff;
/** Lower case by code unit, filled in as units are met (0: not yet). */
export const LOWER = new Uint16Array(65536);

/**
 * The lower case of a code unit, or NO_LOWER where it is not one code unit of its own (İ) or depends on
 * the letters around it (Σ, final or not): where no unit is NO_LOWER, lowering unit by unit is `toLowerCase`.
 */
export function lowerOf(c: number): number {
  let l = LOWER[c] as number;
  if (l === 0) {
    const lo = String.fromCharCode(c).toLowerCase();
    l = lo.length === 1 && c !== 0x3a3 ? lo.charCodeAt(0) : NO_LOWER;
    LOWER[c] = l;
  }
  return l;
}
