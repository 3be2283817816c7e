// Checks of one definition that a JSON Schema cannot express: unique ids and codes, skip logic
// that only looks back, text in every declared language, sensible ranges.
import { MISSING_CODES, RESERVED_CODES } from './missing-codes.js'
import { isAnswerable, languagesOf, placedQuestions, questionOptions, YES_NO_CODES, type PlacedQuestion } from './model.js'
import { formatPath, type Path } from './problems.js'
import { PLURAL_CATEGORIES, pluralCategories } from '../i18n/plural.js'
import { LANGUAGES, type Check, type Condition, type Definition, type FollowUpOf, type Language, type Page, type Text, type Unit } from './schema.js'
import { checkPlaceholders } from './checks.js'
import { languageMismatches, mismatchMessage, placeholdersIn, textsByLanguage } from './placeholders.js'
import { checkAnswerTypes } from './check-answer-types.js'
import { checkPiping } from './check-piping.js'
import { checkGroups } from './check-groups.js'

export interface Finding {
  path: Path
  at?: 'value' | 'key'
  message: string
  severity: 'error' | 'warning'
}

const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', cy: 'Welsh' }

export function conditionCode(value: number | string): number {
  return typeof value === 'number' ? value : YES_NO_CODES[value as keyof typeof YES_NO_CODES]
}

/**
 * `unchecked`: ids of questions the schema refused (see check-despite-schema-errors.ts); a
 * condition on one of them is not checked, since what it may test is not known.
 */
export function checkDefinition(definition: Definition, expected: { survey?: string; version?: string } = {}, { unchecked = new Set<string>() }: { unchecked?: Set<string> } = {}): Finding[] {
  const findings: Finding[] = []
  const error = (path: Path, message: string, at: 'value' | 'key' = 'value') => findings.push({ path, message, at, severity: 'error' })
  const warning = (path: Path, message: string) => findings.push({ path, message, severity: 'warning' })

  if (expected.survey !== undefined && definition.survey !== expected.survey) {
    error(['survey'], `is "${definition.survey}" but the file is in the folder "${expected.survey}": they must match`)
  }
  if (expected.version !== undefined && definition.version !== expected.version) {
    error(['version'], `is "${definition.version}" but the file is named "${expected.version}": they must match`)
  }
  if (definition.previous !== undefined && definition.previous === definition.version) {
    error(['previous'], 'cannot be this same version')
  }
  if (definition.previous === undefined && definition.editorial) {
    error(['editorial'], 'needs "previous": the version whose wording this one corrects')
  }
  if (definition.previous === undefined && definition.dropped?.length) {
    error(['dropped'], 'lists dropped questions but the version has no "previous" version to drop them from')
  }

  checkUniqueIds(definition, error)
  const placed = placedQuestions(definition)
  const byId = new Map(placed.map((p) => [p.question.id, p]))

  for (const p of placed) {
    const q = p.question
    if (q.type !== 'info' && q.lineage && definition.previous === undefined) {
      error([...p.path, 'lineage'], 'describes changes but the version has no "previous" version')
    }
    if (q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'grid') {
      checkOptions(q.options, [...p.path, 'options'], q.type, error, warning)
    }
    if (q.type === 'grid') {
      const seen = new Map<string, number>()
      q.rows.forEach((row, i) => {
        const first = seen.get(row.id)
        if (first !== undefined) error([...p.path, 'rows', i, 'id'], `row id "${row.id}" is used twice in this grid (also rows[${first}])`)
        else seen.set(row.id, i)
      })
    }
    if (q.type === 'number' && q.min !== undefined && q.max !== undefined && q.min > q.max) {
      error([...p.path, 'min'], `minimum ${q.min} is greater than maximum ${q.max}`)
    }
    if (q.type === 'number' && q.min !== undefined && q.min <= MISSING_CODES.not_applicable && (q.max === undefined || q.max >= MISSING_CODES.not_answered)) {
      error([...p.path, 'min'], `allows ${RESERVED_CODES.join(', ')}, which the exports keep for not answered, don't know and not applicable: choose a minimum above ${MISSING_CODES.not_applicable}`)
    }
    if (q.show_if) checkCondition(q.show_if, [...p.path, 'show_if'], { pageOrder: p.pageOrder, sectionIndex: undefined }, byId, error, unchecked)
    if (q.type !== 'info' && q.follow_up_of) checkFollowUp(p, q.follow_up_of, byId, error, unchecked)
  }

  let pageOrder = 0
  definition.sections.forEach((section, sectionIndex) => {
    const sectionPath: Path = ['sections', sectionIndex]
    if (section.show_if) checkCondition(section.show_if, [...sectionPath, 'show_if'], { pageOrder, sectionIndex }, byId, error, unchecked)
    section.pages.forEach((page, pageIndex) => {
      if (page.show_if)
        checkCondition(page.show_if, [...sectionPath, 'pages', pageIndex, 'show_if'], { pageOrder, sectionIndex: undefined }, byId, error, unchecked)
      page.checks?.forEach((check, i) => checkCheck(check, page, [...sectionPath, 'pages', pageIndex, 'checks', i], pageOrder, byId, error, unchecked))
      pageOrder++
    })
  })

  checkAnswerTypes(placed, error, warning)
  checkPiping(definition, byId, error, unchecked)
  checkLanguages(definition, findings)
  findings.push(...checkGroups(definition))
  return findings
}

type Report = (path: Path, message: string, at?: 'value' | 'key') => void

function checkUniqueIds(definition: Definition, error: Report) {
  const kinds: { kind: string; seen: Map<string, Path> }[] = [
    { kind: 'section', seen: new Map() },
    { kind: 'page', seen: new Map() },
    { kind: 'question', seen: new Map() },
    { kind: 'check', seen: new Map() },
  ]
  const note = (index: number, id: string, path: Path) => {
    const { kind, seen } = kinds[index]
    const first = seen.get(id)
    if (first) error([...path, 'id'], `${kind} id "${id}" is used twice (first at ${formatPath(first)})`)
    else seen.set(id, path)
    const clash = kind === 'check' ? kinds[2].seen.get(id) : kind === 'question' ? kinds[3].seen.get(id) : undefined
    if (clash) error([...path, 'id'], `${kind} id "${id}" is also the id of a ${kind === 'check' ? 'question' : 'check'} (at ${formatPath(clash)}): checks and questions need ids of their own`)
  }
  definition.sections.forEach((section, s) => {
    note(0, section.id, ['sections', s])
    section.pages.forEach((page, p) => {
      note(1, page.id, ['sections', s, 'pages', p])
      page.questions.forEach((question, q) => note(2, question.id, ['sections', s, 'pages', p, 'questions', q]))
      // A check's id names it across versions and in the answers it is confirmed with: unique
      // among checks, and never a question's id.
      page.checks?.forEach((check, c) => note(3, check.id, ['sections', s, 'pages', p, 'checks', c]))
    })
  })
}

function checkOptions(
  options: { code: number; label: Text; special?: string; other?: boolean; exclusive?: boolean }[],
  path: Path,
  type: string,
  error: Report,
  warning: (path: Path, message: string) => void,
) {
  const codes = new Map<number, number>()
  const labels = new Map<string, number>()
  const specials = new Map<string, number>()
  let others = 0
  options.forEach((option, i) => {
    const first = codes.get(option.code)
    if (first !== undefined) error([...path, i, 'code'], `option code ${option.code} is used twice (also options[${first}])`)
    else codes.set(option.code, i)
    if (!option.special && RESERVED_CODES.includes(option.code)) {
      error([...path, i, 'code'], `code ${option.code} is kept for not answered (-9), don't know (-8) and not applicable (-7) in the exports: choose another code, or mark the option special`)
    }
    const label = JSON.stringify(option.label)
    const sameLabel = labels.get(label)
    if (sameLabel !== undefined) warning([...path, i, 'label'], `has the same label as options[${sameLabel}]`)
    else labels.set(label, i)
    if (option.special) {
      const firstSpecial = specials.get(option.special)
      if (firstSpecial !== undefined) error([...path, i, 'special'], `only one option can be ${option.special} (also options[${firstSpecial}])`)
      else specials.set(option.special, i)
    }
    if (option.other) {
      others++
      if (type === 'grid') error([...path, i, 'other'], '"other, please specify" is not available in a grid')
      else if (others > 1) error([...path, i, 'other'], 'only one option can ask "other, please specify"')
    }
    if (option.exclusive && type !== 'multiple_choice') error([...path, i, 'exclusive'], 'only applies to multiple choice questions')
  })
}

function checkCondition(
  condition: Condition,
  path: Path,
  owner: { pageOrder: number; sectionIndex: number | undefined; samePage?: boolean },
  byId: Map<string, PlacedQuestion>,
  error: Report,
  unchecked: Set<string>,
) {
  const groups = (['all', 'any'] as const).filter((k) => condition[k] !== undefined)
  if (groups.length) {
    if (groups.length > 1 || condition.question !== undefined) {
      error(path, 'use either all, any, or a single question test, not several in one condition')
      return
    }
    const group = groups[0]
    condition[group]!.forEach((inner, i) => checkCondition(inner, [...path, group, i], owner, byId, error, unchecked))
    return
  }
  if (condition.question === undefined) {
    error(path, 'needs "question" (the id of an earlier question), or all / any')
    return
  }
  const tests = [condition.in, condition.not_in, condition.answered, condition.min ?? condition.max].filter((t) => t !== undefined)
  if (tests.length !== 1) {
    error(path, 'needs exactly one test: in, not_in, answered, or min/max')
  }
  if (unchecked.has(condition.question)) return
  const target = byId.get(condition.question)
  if (!target) {
    error([...path, 'question'], `refers to "${condition.question}", which is not a question in this version`)
    return
  }
  if (!isAnswerable(target.question)) {
    error([...path, 'question'], `refers to "${condition.question}", which is explanatory text, not a question`)
    return
  }
  if (owner.sectionIndex !== undefined && target.sectionIndex >= owner.sectionIndex) {
    error([...path, 'question'], `refers to "${condition.question}", which is not in an earlier section: a section can only depend on answers given before it`)
    return
  }
  if (owner.samePage && target.pageOrder > owner.pageOrder) {
    error([...path, 'question'], `refers to "${condition.question}", which is later in the questionnaire: a check can only use answers from its own page or earlier pages`)
    return
  }
  if (!owner.samePage && target.pageOrder >= owner.pageOrder) {
    const where = target.pageOrder === owner.pageOrder ? 'on the same page' : 'later in the questionnaire'
    error([...path, 'question'], `refers to "${condition.question}", which is ${where}: skip logic can only depend on answers from earlier pages`)
    return
  }
  const q = target.question
  if (condition.row !== undefined) {
    if (q.type !== 'grid') error([...path, 'row'], `"${q.id}" is not a grid, so it has no rows`)
    else if (!q.rows.some((r) => r.id === condition.row)) error([...path, 'row'], `grid "${q.id}" has no row "${condition.row}"`)
  } else if (q.type === 'grid' && condition.answered === undefined) {
    error(path, `"${q.id}" is a grid: say which row the test applies to with row:`)
  }
  if (condition.min !== undefined || condition.max !== undefined) {
    if (q.type !== 'number') error(path, `min and max only apply to number questions, and "${q.id}" is ${q.type}`)
  }
  for (const key of ['in', 'not_in'] as const) {
    const values = condition[key]
    if (!values) continue
    const options = questionOptions(q)
    if (options.length === 0) {
      error([...path, key], `"${q.id}" is a ${q.type} question: test it with answered${q.type === 'number' ? ' or min/max' : ''}`)
      continue
    }
    values.forEach((value, i) => {
      if (typeof value === 'string' && q.type !== 'yes_no') {
        error([...path, key, i], `"${value}" only applies to yes/no questions: use an option code of "${q.id}"`)
        return
      }
      const code = conditionCode(value)
      if (!options.some((o) => o.code === code)) {
        error([...path, key, i], `"${q.id}" has no option ${JSON.stringify(value)} (its codes are ${options.map((o) => o.code).join(', ')})`)
      }
    })
  }
}

const CHOICE_TYPES = new Set(['single_choice', 'multiple_choice', 'yes_no'])

function checkFollowUp(p: PlacedQuestion, followUp: FollowUpOf, byId: Map<string, PlacedQuestion>, error: Report, unchecked: Set<string>) {
  const path: Path = [...p.path, 'follow_up_of']
  if (p.question.show_if) error([...p.path, 'show_if'], 'a follow-up is shown by its option: put show_if on the question it follows, not on the follow-up')
  if (unchecked.has(followUp.question)) return
  const target = byId.get(followUp.question)
  if (!target) return error([...path, 'question'], `refers to "${followUp.question}", which is not a question in this version`)
  if (target.pageOrder !== p.pageOrder) return error([...path, 'question'], `refers to "${followUp.question}", which is on another page: a follow-up is asked beneath an option of a question on its own page`)
  if (target.order >= p.order) return error([...path, 'question'], `refers to "${followUp.question}", which comes after it: put the follow-up after the question it follows`)
  const between = p.page.questions.slice(target.questionIndex + 1, p.questionIndex)
  if (between.some((q) => q.type === 'info' || q.follow_up_of?.question !== followUp.question)) {
    return error([...path, 'question'], `refers to "${followUp.question}", but other questions stand between them: put the follow-up straight after the question it follows (after its other follow-ups), where it is shown`)
  }
  const parent = target.question
  if (!CHOICE_TYPES.has(parent.type)) return error([...path, 'question'], `refers to "${parent.id}", a ${parent.type === 'info' ? 'piece of explanatory text' : `${parent.type} question`}: a follow-up hangs on an option of a single choice, multiple choice or yes/no question`)
  if (parent.type !== 'info' && parent.follow_up_of) return error([...path, 'question'], `refers to "${parent.id}", which is itself a follow-up: follow the question "${parent.follow_up_of.question}" instead`)
  if (typeof followUp.option === 'string' && parent.type !== 'yes_no') return error([...path, 'option'], `"${followUp.option}" only applies to yes/no questions: use an option code of "${parent.id}"`)
  const options = questionOptions(parent)
  if (!options.some((o) => o.code === conditionCode(followUp.option))) error([...path, 'option'], `"${parent.id}" has no option ${JSON.stringify(followUp.option)} (its codes are ${options.map((o) => o.code).join(', ')})`)
}

function checkCheck(check: Check, page: Page, path: Path, pageOrder: number, byId: Map<string, PlacedQuestion>, error: Report, unchecked: Set<string>) {
  const numbered: [string, Path][] =
    check.kind === 'confirm'
      ? [[check.question, [...path, 'question']]]
      : check.kind === 'at_most' || check.kind === 'at_least'
        ? [[check.question, [...path, 'question']], [check.limit, [...path, 'limit']]]
        : [...check.parts.map((id, i): [string, Path] => [id, [...path, 'parts', i]]), [check.total, [...path, 'total']]]
  let usable = true
  for (const [id, at] of numbered) {
    if (unchecked.has(id)) {
      usable = false
      continue
    }
    const target = byId.get(id)
    if (!target) {
      error(at, `refers to "${id}", which is not a question in this version`)
      usable = false
    } else if (!isAnswerable(target.question)) {
      error(at, `refers to "${id}", which is explanatory text, not a question`)
      usable = false
    } else if (target.pageOrder > pageOrder) {
      error(at, `refers to "${id}", which is later in the questionnaire: a check can only use answers from its own page or earlier pages`)
      usable = false
    } else if (check.kind !== 'confirm' && target.question.type !== 'number') {
      error(at, `refers to "${id}", a ${target.question.type} question: this check compares numbers, so name number questions`)
      usable = false
    }
  }
  if (check.kind === 'at_most' || check.kind === 'at_least') {
    if (check.question === check.limit) error([...path, 'limit'], `is "${check.limit}", the question itself: name the other question the answer is compared with`)
  }
  if ((check.kind === 'sum_equals' || check.kind === 'sum_at_most') && check.parts.includes(check.total)) {
    error([...path, 'total'], `"${check.total}" is one of the parts: the total must be another question`)
  }
  if (check.kind === 'confirm') {
    checkCondition(check.when, [...path, 'when'], { pageOrder, sectionIndex: undefined, samePage: true }, byId, error, unchecked)
    if (usable && byId.get(check.question)?.pageOrder !== pageOrder) {
      error([...path, 'question'], `"${check.question}" is not on this page: a soft check asks to confirm an answer given on its own page`)
    }
  } else if (usable && !numbered.some(([id]) => byId.get(id)?.pageOrder === pageOrder)) {
    error(path, `names no question on this page ("${page.id}"): put the check on the page of the question it checks, where the message is shown`)
  }
  checkPlaceholdersOf(check, [...path, 'message'], error)
}

// The message names answers by their question ids; a placeholder that names none would be shown
// as typed, and one language naming answers the other leaves out says different things.
function checkPlaceholdersOf(check: Check, path: Path, error: Report) {
  const allowed = new Set(checkPlaceholders(check))
  for (const [language, text] of textsByLanguage(check.message)) {
    for (const name of new Set(placeholdersIn(text, { withFallback: false }).map((p) => p.name))) {
      if (!allowed.has(name)) error([...path, ...(typeof check.message === 'string' ? [] : [language])], `{${name}} is not an answer this check reads: use one of ${[...allowed].map((a) => `{${a}}`).join(', ')}`)
    }
  }
  for (const mismatch of languageMismatches(check.message, { withFallback: false, counts: (name) => allowed.has(name) })) error([...path, 'cy'], mismatchMessage(mismatch, 'answers'))
}

function checkLanguages(definition: Definition, findings: Finding[]) {
  const declared = languagesOf(definition)
  const visit = (text: Text | Unit | undefined, path: Path) => {
    if (text === undefined) return
    for (const language of declared) {
      const given = typeof text === 'string' ? language === 'en' : text[language] !== undefined
      if (!given) findings.push({ path, message: `has no ${LANGUAGE_NAMES[language]} text (${language}), which this version declares`, severity: 'error' })
    }
    if (typeof text !== 'string') {
      for (const language of Object.keys(text) as Language[]) {
        if (!declared.includes(language))
          findings.push({
            path,
            message: `has ${LANGUAGE_NAMES[language]} text but the version does not list "${language}" under languages`,
            severity: 'warning',
          })
      }
    }
  }
  visit(definition.title, ['title'])
  visit(definition.intro, ['intro'])
  definition.sections.forEach((section, s) => {
    visit(section.title, ['sections', s, 'title'])
    visit(section.intro, ['sections', s, 'intro'])
    section.pages.forEach((page, p) => {
      const pagePath: Path = ['sections', s, 'pages', p]
      visit(page.title, [...pagePath, 'title'])
      visit(page.intro, [...pagePath, 'intro'])
      page.checks?.forEach((check, c) => visit(check.message, [...pagePath, 'checks', c, 'message']))
      page.questions.forEach((q, i) => {
        const qPath: Path = [...pagePath, 'questions', i]
        visit(q.text, [...qPath, 'text'])
        if (q.type === 'info') return
        visit(q.hint, [...qPath, 'hint'])
        if (q.type === 'number') {
          visit(q.unit, [...qPath, 'unit'])
          checkUnitForms(q.unit, declared, [...qPath, 'unit'], findings)
        }
        if (q.type === 'single_choice' || q.type === 'multiple_choice' || q.type === 'grid')
          q.options.forEach((o, j) => visit(o.label, [...qPath, 'options', j, 'label']))
        if (q.type === 'grid') q.rows.forEach((r, j) => visit(r.text, [...qPath, 'rows', j, 'text']))
      })
    })
  })
}

// Plural forms are all or nothing in a language: a missing one would quietly show "other" after
// the numbers it covers, which in Welsh is the very mistake the forms are there to avoid.
export function checkUnitForms(unit: Unit | undefined, declared: Language[], path: Path, findings: Finding[]) {
  if (unit === undefined || typeof unit === 'string') return
  const withForms = LANGUAGES.filter((l) => typeof unit[l] === 'object')
  for (const language of LANGUAGES) {
    const forms = unit[language]
    if (forms === undefined) continue
    const name = LANGUAGE_NAMES[language]
    const needed = pluralCategories(language)
    if (typeof forms === 'string') {
      if (withForms.length && declared.includes(language))
        findings.push({ path: [...path, language], message: `is one word for every number while ${LANGUAGE_NAMES[withForms[0]]} has plural forms: give the ${name} forms ${needed.join(', ')}`, severity: 'warning' })
      continue
    }
    const missing = needed.filter((c) => forms[c] === undefined)
    if (missing.length)
      findings.push({ path: [...path, language], message: `needs the ${name} plural forms ${missing.join(', ')} (${name} has ${needed.join(', ')})`, severity: 'error' })
    for (const extra of PLURAL_CATEGORIES.filter((c) => forms[c] !== undefined && !needed.includes(c)))
      findings.push({ path: [...path, language, extra], at: 'key', message: `${name} has no "${extra}" form: it would never be shown`, severity: 'warning' })
  }
}
