/**
 * A page never sees bank ids for options, steps, premises or responses: bank ids follow the
 * author's listing, which often mirrors the answer (`a` first, `p1 → r1`), so a value in the HTML
 * would give it away. What the page sees, and sends back, is the 1-based position in the
 * presented order of this attempt.
 */
export function presentedIdAt(index: number): string {
  return String(index + 1);
}

export function presentedIdOf(order: readonly string[], bankId: string): string | undefined {
  const index = order.indexOf(bankId);
  return index < 0 ? undefined : presentedIdAt(index);
}

/** The bank id behind a presented id, or undefined for anything that is not one of them. */
export function bankIdOf(order: readonly string[], presentedId: string): string | undefined {
  if (!/^[1-9][0-9]{0,2}$/.test(presentedId)) return undefined;
  return order[Number(presentedId) - 1];
}
