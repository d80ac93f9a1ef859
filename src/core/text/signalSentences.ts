/** The first layer of each precision event in a forward run, null where it never happens. */
export interface ForwardEvents {
  stdNonFinite: number | null;
  valueNonFinite: number | null;
  stdZero: number | null;
  allZero: number | null;
}

/**
 * Precision events in words, one sentence each, as the CLI, the lab and the reports say them:
 * "std becomes non-finite at layer 13", "the values themselves overflow at layer 28", "std is
 * exactly 0 at layer 31", "every value is 0 at layer 66". An empty list when nothing happened.
 */
export function eventSentences(e: ForwardEvents): string[] {
  const parts: string[] = [];
  if (e.stdNonFinite !== null)
    parts.push(
      `std becomes ${e.stdNonFinite === e.valueNonFinite ? "non-finite (the values overflow)" : "non-finite"} at layer ${e.stdNonFinite}`,
    );
  if (e.valueNonFinite !== null && e.valueNonFinite !== e.stdNonFinite)
    parts.push(`the values themselves overflow at layer ${e.valueNonFinite}`);
  if (e.stdZero !== null) parts.push(`std is exactly 0 at layer ${e.stdZero}`);
  if (e.allZero !== null && e.allZero !== e.stdZero) parts.push(`every value is 0 at layer ${e.allZero}`);
  return parts;
}

/** What a run without events says instead. */
export const NO_EVENTS = "no layer's std became non-finite or exactly 0";
