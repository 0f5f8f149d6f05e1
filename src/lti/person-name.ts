const CJK = /[\u3400-\u9fff]/;

/**
 * The person's name as the LMS spells it (both versions send the same three parts); Chinese
 * names are family name first, without a space.
 */
export function personName(given?: string, family?: string, full?: string): string | undefined {
  if (full?.trim()) return full.trim();
  const parts = [given?.trim(), family?.trim()].filter((part): part is string => !!part);
  if (parts.length === 0) return undefined;
  return CJK.test(parts.join('')) ? [family?.trim(), given?.trim()].filter(Boolean).join('') : parts.join(' ');
}
