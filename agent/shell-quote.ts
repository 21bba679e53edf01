/** A POSIX shell word that reads back as exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `value` bare when the shell reads it as is (a plain path or ref), else quoted: for commands shown to the user. */
export function shellArg(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./^-]+$/.test(value) ? value : shellQuote(value);
}
