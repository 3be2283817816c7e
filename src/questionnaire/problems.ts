// A problem found in a definition file, located precisely enough for a researcher to fix it
// without reading a stack trace: file, line, column, the path inside the document, plain words.
export type PathSegment = string | number
export type Path = PathSegment[]

export interface Problem {
  file: string
  line: number
  column: number
  path: string
  message: string
  severity: 'error' | 'warning'
}

export function formatPath(path: Path): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? segment : `.${segment}`
  }
  return out
}

export function formatProblem(problem: Problem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`
  const label = problem.severity === 'warning' ? 'warning: ' : ''
  return problem.path ? `${where} ${problem.path}: ${label}${problem.message}` : `${where} ${label}${problem.message}`
}

export function hasErrors(problems: Problem[]): boolean {
  return problems.some((p) => p.severity === 'error')
}

/** Thrown where a caller must not go on with an invalid definition (server start-up). */
export class DefinitionError extends Error {
  constructor(readonly problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error')
    super(
      `${errors.length} problem${errors.length === 1 ? '' : 's'} in questionnaire definitions:\n` +
        errors.map((p) => `  ${formatProblem(p)}`).join('\n'),
    )
    this.name = 'DefinitionError'
  }
}
