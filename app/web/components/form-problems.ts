// A form's refusals as the page shows them: each issue of the server's own zod schema mapped to
// the place it shows (`problemOf`), the first issue of each place only. Pure (unit-tested through
// the forms that use it: campaigns, surveys).

/** A refusal under a field of the form: the field, the text's key, and its arguments. */
export interface Problem { field: string; text: string; args?: Record<string, unknown> }

/** The problems of a failed parse, the first for each field; none when it succeeded. */
export function formProblems(parsed: { success: true } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } }, problemOf: (path: string) => Problem): Problem[] {
  const problems: Problem[] = [];
  if (parsed.success) return problems;
  for (const issue of parsed.error.issues) {
    const p = problemOf(issue.path.map(String).join('.'));
    if (!problems.some((q) => q.field === p.field)) problems.push(p);
  }
  return problems;
}
