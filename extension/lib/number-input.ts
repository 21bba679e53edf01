/** A number typed into a settings field, checked against what the setting takes — pure. */
export interface NumberRule {
  /** How the field is named in a message. */
  label: string;
  min: number;
  max: number;
  /** Whole numbers only (days, attempts); else cents are fine (dollars). */
  whole?: boolean;
}

export type NumberEntry = { ok: true; value: number } | { ok: false; error: string };

export function readNumber(typed: string, rule: NumberRule): NumberEntry {
  const text = typed.trim().replace(/^\$/, '');
  const value = Number(text);
  const kind = rule.whole ? 'a whole number' : 'a number';
  if (text === '' || !Number.isFinite(value) || (rule.whole && !Number.isInteger(value)))
    return { ok: false, error: `${rule.label}: ${kind} from ${rule.min} to ${rule.max}; nothing changed.` };
  if (value < rule.min || value > rule.max)
    return { ok: false, error: `${rule.label}: ${kind} from ${rule.min} to ${rule.max}; nothing changed.` };
  return { ok: true, value: rule.whole ? value : Math.round(value * 100) / 100 };
}
