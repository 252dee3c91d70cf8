// The password policy, with no Node imports: the server checks it (password.ts) and the console's
// forms check it as the user types, in the user's language, from the same codes.

export const PASSWORD_POLICY = { minLength: 12, maxLength: 256, minClasses: 2 } as const;

export type PasswordProblem =
  | { code: 'too_short'; min: number; got: number }
  | { code: 'too_long'; max: number }
  | { code: 'one_kind' }
  | { code: 'contains_username' };

/** Every way `password` breaks the policy (12 to 256 characters, not all of one kind, not the username); empty: acceptable. */
export function passwordProblemCodes(password: string, username?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_POLICY.minLength) problems.push({ code: 'too_short', min: PASSWORD_POLICY.minLength, got: length });
  if (length > PASSWORD_POLICY.maxLength) problems.push({ code: 'too_long', max: PASSWORD_POLICY.maxLength });
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (length > 0 && classes < PASSWORD_POLICY.minClasses) problems.push({ code: 'one_kind' });
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push({ code: 'contains_username' });
  return problems;
}

/** The problem as an English sentence (the API's messages). */
export function passwordProblemText(p: PasswordProblem): string {
  switch (p.code) {
    case 'too_short':
      return `password must be at least ${p.min} characters long (got ${p.got})`;
    case 'too_long':
      return `password must be at most ${p.max} characters long`;
    case 'one_kind':
      return 'password must mix at least two kinds of characters: lower case, upper case, digits, symbols or spaces';
    case 'contains_username':
      return 'password must not contain the username';
  }
}
