/** What a form field's text becomes in an API body. */

/** A whole number as a number; empty as absent; anything else as written, so the server names the field in its answer. */
export function numberOr(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}
