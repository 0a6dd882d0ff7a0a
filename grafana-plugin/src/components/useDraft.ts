import { useState, type ChangeEvent } from 'react';

/** A text field edited locally and committed on blur, so typing does not run a query per key. */
export function useDraft(value: string): [string, (e: ChangeEvent<HTMLInputElement>) => void] {
  const [draft, setDraft] = useState(value);
  // When the saved value changes (a migration, another editor), the field shows it: state
  // adjusted during render, as React documents, rather than in an effect one render late.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setDraft(value);
  }
  return [draft, (e) => setDraft(e.currentTarget.value)];
}
