// The questionnaire definition format. This file is the single source of both the JSON Schema
// (written to surveys/questionnaire.schema.json for editors, enforced with Ajv) and the
// TypeScript types, so the two cannot drift apart.
import { Type, type Static, type TSchema } from '@sinclair/typebox'

export const LANGUAGES = ['en', 'cy'] as const
export type Language = (typeof LANGUAGES)[number]

// Identifiers become variable names in R, SPSS and Stata exports and parts of form field names,
// so they are short, lower-case, and never contain a double underscore (our field separator).
const idPattern = '^[a-z](?:_?[a-z0-9])*$'
const idMessage = 'must start with a lower-case letter and use only a-z, 0-9 and single underscores'

export const Identifier = Type.String({
  pattern: idPattern,
  maxLength: 24,
  'x-message': idMessage,
})

export const Text = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object(
      {
        en: Type.Optional(Type.String({ minLength: 1 })),
        cy: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  ],
  {
    title: 'text',
    description:
      'Text, or { en: "…", cy: "…" }. A question\'s text, hint and option labels and a page\'s or section\'s intro may pipe an earlier page\'s answer or the organisation: {question_id}, {question_id|words shown when there is none}, {organisation}, {organisation.attribute}.',
    'x-message': 'must be text, or a map of languages to text such as { en: "…", cy: "…" }',
  },
)
export type Text = Static<typeof Text>

const form = Type.Optional(Type.String({ minLength: 1 }))

// A unit after a number changes with the number, differently in each language ("1 buddy",
// "12 buddies"; "1 cyfaill", "2 gyfaill", "3 chyfaill"). Plain text still works and is shown
// after every number, as before plural forms existed.
export const UnitForms = Type.Object(
  { zero: form, one: form, two: form, few: form, many: form, other: Type.String({ minLength: 1 }) },
  {
    additionalProperties: false,
    description:
      'The unit after each kind of number, by the plural categories of the language: English one and other; Welsh zero, one, two, few, many and other. "other" is also the unit shown as a label.',
  },
)
export type UnitForms = Static<typeof UnitForms>

const UnitInLanguage = Type.Union([Type.String({ minLength: 1 }), UnitForms], {
  'x-message': 'must be text, or plural forms such as { one: buddy, other: buddies }',
})

export const Unit = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object({ en: Type.Optional(UnitInLanguage), cy: Type.Optional(UnitInLanguage) }, { additionalProperties: false, minProperties: 1 }),
  ],
  {
    title: 'unit',
    'x-message': 'must be text, or a map of languages to text or plural forms such as { en: { one: buddy, other: buddies }, cy: … }',
  },
)
export type Unit = Static<typeof Unit>

const ConditionValue = Type.Union([Type.Integer(), Type.Enum({ yes: 'yes', no: 'no', dont_know: 'dont_know', not_applicable: 'not_applicable' })], {
  'x-message': 'must be an option code (a whole number), or yes, no, dont_know or not_applicable',
})

export const Condition = Type.Recursive(
  (Self) =>
    Type.Object(
      {
        question: Type.Optional(Identifier),
        row: Type.Optional(Identifier),
        in: Type.Optional(Type.Array(ConditionValue, { minItems: 1 })),
        not_in: Type.Optional(Type.Array(ConditionValue, { minItems: 1 })),
        answered: Type.Optional(Type.Boolean()),
        min: Type.Optional(Type.Number()),
        max: Type.Optional(Type.Number()),
        all: Type.Optional(Type.Array(Self, { minItems: 1 })),
        any: Type.Optional(Type.Array(Self, { minItems: 1 })),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        description:
          'Show only when earlier answers match: { question, in: [codes] }, { question, not_in }, { question, answered }, { question, min, max } for numbers, { question, row, in } for grids, or { all: [...] } / { any: [...] }.',
      },
    ),
  { $id: 'Condition' },
)
export type Condition = Static<typeof Condition>

export const Option = Type.Object(
  {
    code: Type.Integer({ description: 'The value stored and exported; stable across versions unless recoded.' }),
    label: Text,
    special: Type.Optional(
      Type.Union([Type.Literal('dont_know'), Type.Literal('not_applicable')], {
        'x-message': 'must be dont_know or not_applicable',
      }),
    ),
    other: Type.Optional(Type.Boolean({ description: 'Asks "please specify" when chosen.' })),
    exclusive: Type.Optional(Type.Boolean({ description: 'Multiple choice: cannot be combined with other options (e.g. "None of these").' })),
  },
  { additionalProperties: false },
)
export type Option = Static<typeof Option>

export const Lineage = Type.Object(
  {
    added: Type.Optional(Type.Boolean({ description: 'New in this version.' })),
    reworded: Type.Optional(Type.Boolean({ description: 'The wording changed since the previous version.' })),
    comparable: Type.Optional(
      Type.Boolean({ description: 'Whether figures can be compared with the previous version (default true, false for split and merged).' }),
    ),
    recode: Type.Optional(
      Type.Record(Type.String({ pattern: '^-?[0-9]+$' }), Type.Union([Type.Integer(), Type.Null(), Type.Array(Type.Integer(), { minItems: 2, uniqueItems: true })]), {
        description:
          "Previous version's option code -> this version's code; null when it has no equivalent; a list of codes when it was split (7: [7, 9]), compared on the coarser coding.",
        'x-message': 'must map previous option codes to this version’s codes, e.g. { 3: 2, 4: null, 7: [7, 9] }',
      }),
    ),
    split_from: Type.Optional(Identifier),
    merged_from: Type.Optional(Type.Array(Identifier, { minItems: 2 })),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false, description: 'What changed against the previous version of the survey.' },
)
export type Lineage = Static<typeof Lineage>

// A follow-up is asked on the same page, beneath the option that calls for it (the GOV.UK
// conditional reveal): shown without JavaScript, required only when that option is chosen, and
// its answer ignored when it is not.
export const FollowUpOf = Type.Object(
  {
    question: Identifier,
    option: ConditionValue,
  },
  {
    additionalProperties: false,
    description: 'Ask this question beneath an option of an earlier question on the same page: { question: may_contact, option: yes } (an option code, or yes, no, dont_know, not_applicable).',
  },
)
export type FollowUpOf = Static<typeof FollowUpOf>

const common = {
  id: Identifier,
  text: Text,
  hint: Type.Optional(Text),
  required: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  show_if: Type.Optional(Type.Ref(Condition)),
  follow_up_of: Type.Optional(FollowUpOf),
  lineage: Type.Optional(Lineage),
}

const options = Type.Array(Option, { minItems: 2 })

export const SingleChoiceQuestion = Type.Object(
  { type: Type.Literal('single_choice'), ...common, options },
  { additionalProperties: false },
)
export const MultipleChoiceQuestion = Type.Object(
  {
    type: Type.Literal('multiple_choice'),
    ...common,
    options,
    min_selected: Type.Optional(Type.Integer({ minimum: 1, description: 'At least this many options must be ticked (when the question is answered).' })),
    max_selected: Type.Optional(Type.Integer({ minimum: 1, description: 'At most this many options may be ticked.' })),
  },
  { additionalProperties: false },
)
export const YesNoQuestion = Type.Object(
  {
    type: Type.Literal('yes_no'),
    ...common,
    dont_know: Type.Optional(Type.Boolean({ description: 'Offer "Don\'t know".' })),
    not_applicable: Type.Optional(Type.Boolean({ description: 'Offer "Not applicable".' })),
  },
  { additionalProperties: false },
)
export const NumberQuestion = Type.Object(
  {
    type: Type.Literal('number'),
    ...common,
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    unit: Type.Optional(Unit),
    dont_know: Type.Optional(Type.Boolean({ description: 'Offer "Don\'t know" instead of a number.' })),
    decimals: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 6, description: 'Decimal places accepted. Default 0 (whole numbers), 2 for money.' }),
    ),
    format: Type.Optional(
      Type.Unsafe<'money' | 'percentage'>({ type: 'string', enum: ['money', 'percentage'], description: 'money: pounds and pence, shown with £; percentage: 0 to 100, shown with %.' }),
    ),
  },
  { additionalProperties: false },
)
export const DateQuestion = Type.Object(
  {
    type: Type.Literal('date'),
    ...common,
    precision: Type.Optional(
      Type.Unsafe<'day' | 'month'>({ type: 'string', enum: ['day', 'month'], description: 'day (default): day, month and year; month: month and year only.' }),
    ),
    not_future: Type.Optional(Type.Boolean({ description: 'Refuse dates after today (UK date).' })),
  },
  { additionalProperties: false },
)
// Contact details, checked and normalised as typed; never shown in statistics or free-text exports.
export const EmailQuestion = Type.Object({ type: Type.Literal('email'), ...common }, { additionalProperties: false, description: 'An e-mail address.' })
export const PhoneQuestion = Type.Object({ type: Type.Literal('phone'), ...common }, { additionalProperties: false, description: 'A UK telephone number.' })
export const PostcodeQuestion = Type.Object({ type: Type.Literal('postcode'), ...common }, { additionalProperties: false, description: 'A UK postcode, kept in the standard form (SW1A 1AA).' })
export const ShortTextQuestion = Type.Object(
  { type: Type.Literal('short_text'), ...common, max_length: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
)
export const LongTextQuestion = Type.Object(
  { type: Type.Literal('long_text'), ...common, max_length: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 })) },
  { additionalProperties: false },
)
export const GridQuestion = Type.Object(
  {
    type: Type.Literal('grid'),
    ...common,
    rows: Type.Array(Type.Object({ id: Identifier, text: Text }, { additionalProperties: false }), { minItems: 1 }),
    options,
  },
  { additionalProperties: false },
)
export const InfoItem = Type.Object(
  {
    type: Type.Literal('info'),
    id: Identifier,
    text: Text,
    show_if: Type.Optional(Type.Ref(Condition)),
  },
  { additionalProperties: false, description: 'Explanatory text between questions; not a question.' },
)

const questionVariants = [
  SingleChoiceQuestion,
  MultipleChoiceQuestion,
  YesNoQuestion,
  NumberQuestion,
  DateQuestion,
  EmailQuestion,
  PhoneQuestion,
  PostcodeQuestion,
  ShortTextQuestion,
  LongTextQuestion,
  GridQuestion,
  InfoItem,
] as const

export const QUESTION_TYPES = questionVariants.map((v) => v.properties.type.const)

const QuestionUnion = Type.Union([...questionVariants])
export type Question = Static<typeof QuestionUnion>
export type QuestionType = Question['type']
export type AnswerableQuestion = Exclude<Question, { type: 'info' }>

// oneOf with a discriminator makes Ajv check only the variant named by `type` (or a check's
// `kind`), so an error says "unknown field requred" instead of nine failed alternatives.
function discriminated<T>(tag: string, variants: readonly TSchema[], names: string[]) {
  return Type.Unsafe<T>({
    type: 'object',
    required: [tag],
    properties: { [tag]: { type: 'string' } },
    discriminator: { propertyName: tag },
    oneOf: variants,
    'x-message': `${tag} must be one of: ${names.join(', ')}`,
  })
}

export const QuestionSchema = discriminated<Question>('type', questionVariants, QUESTION_TYPES)

// Checks across answers, declared on the page where they are shown. Each names number questions
// on this page or earlier ones; the message is shown at the first of them on this page and may
// name their answers as {question_id}. A soft check asks "is that right?" and can be confirmed.
const checkCommon = {
  id: Identifier,
  message: Text,
}
const soft = Type.Optional(Type.Boolean({ description: 'Ask the respondent to confirm instead of refusing the answers. Default false.' }))

export const AtMostCheck = Type.Object(
  { kind: Type.Literal('at_most'), ...checkCommon, question: Identifier, limit: Identifier, soft },
  { additionalProperties: false, description: '"Of which": the answer to question cannot be more than the answer to limit.' },
)
export const AtLeastCheck = Type.Object(
  { kind: Type.Literal('at_least'), ...checkCommon, question: Identifier, limit: Identifier, soft },
  { additionalProperties: false, description: 'The answer to question cannot be less than the answer to limit.' },
)
export const SumEqualsCheck = Type.Object(
  { kind: Type.Literal('sum_equals'), ...checkCommon, parts: Type.Array(Identifier, { minItems: 2, uniqueItems: true }), total: Identifier, soft },
  { additionalProperties: false, description: 'The answers to parts must add up to the answer to total.' },
)
export const SumAtMostCheck = Type.Object(
  { kind: Type.Literal('sum_at_most'), ...checkCommon, parts: Type.Array(Identifier, { minItems: 2, uniqueItems: true }), total: Identifier, soft },
  { additionalProperties: false, description: 'The answers to parts together cannot be more than the answer to total.' },
)
export const ConfirmCheck = Type.Object(
  { kind: Type.Literal('confirm'), ...checkCommon, question: Identifier, when: Type.Ref(Condition) },
  { additionalProperties: false, description: 'A soft check: when the condition holds, ask the respondent to confirm the answer to question ("You said 0 assessments: is that right?").' },
)

const checkVariants = [AtMostCheck, AtLeastCheck, SumEqualsCheck, SumAtMostCheck, ConfirmCheck] as const
export const CHECK_KINDS = checkVariants.map((v) => v.properties.kind.const)
const CheckUnion = Type.Union([...checkVariants])
export type Check = Static<typeof CheckUnion>

export const CheckSchema = discriminated<Check>('kind', checkVariants, CHECK_KINDS)

export const Page = Type.Object(
  {
    id: Identifier,
    title: Type.Optional(Text),
    intro: Type.Optional(Text),
    show_if: Type.Optional(Type.Ref(Condition)),
    questions: Type.Array(QuestionSchema, { minItems: 1 }),
    checks: Type.Optional(Type.Array(CheckSchema, { minItems: 1 })),
  },
  { additionalProperties: false },
)
export type Page = Static<typeof Page>

// A repeating group: a section asked once per item the respondent adds (each prison in the
// area, each site), in the GOV.UK "add multiple things" pattern. The section's id is the group's
// id; its questions are answered per item, and one of them names each item.
export const RepeatingGroup = Type.Object(
  {
    item_label: Identifier,
    // What an item is called, with plural forms per language as a unit has: "You have added 3 prisons".
    items: Unit,
    add_item: Text,
    add_another: Text,
    min_items: Type.Optional(Type.Integer({ minimum: 0, maximum: 200, description: 'Fewest items a respondent may give. Default 0.' })),
    max_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Most items a respondent may give. Default 50.' })),
    lineage: Type.Optional(Lineage),
  },
  {
    additionalProperties: false,
    description:
      'Ask this section once per item: item_label names the short_text question (on its first page) that names each item; items is what an item is called ({ en: { one: prison, other: prisons } }); add_item the button that adds the first ("Add a prison"); add_another the question "Do you need to add another prison?".',
  },
)
export type RepeatingGroup = Static<typeof RepeatingGroup>

export const Section = Type.Object(
  {
    id: Identifier,
    title: Text,
    intro: Type.Optional(Text),
    show_if: Type.Optional(Type.Ref(Condition)),
    repeat: Type.Optional(RepeatingGroup),
    pages: Type.Array(Page, { minItems: 1 }),
  },
  { additionalProperties: false },
)
export type Section = Static<typeof Section>

const VersionName = Type.String({
  pattern: '^[0-9A-Za-z][0-9A-Za-z._-]*$',
  maxLength: 40,
  'x-message': 'must be a version name such as "2020" or "2015-16" (letters, digits, . _ -), in quotes',
})

export const Definition = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    survey: Type.String({
      pattern: '^[a-z0-9][a-z0-9-]*$',
      'x-message': 'must be the survey folder name: lower-case letters, digits and hyphens',
    }),
    version: VersionName,
    previous: Type.Optional(VersionName),
    editorial: Type.Optional(
      Type.Boolean({
        description:
          'This version only corrects the previous one: wording, hints, typo fixes; no change of ids, types, codes, options, skip logic or validation. A wave using the previous version can move to it.',
      }),
    ),
    title: Text,
    intro: Type.Optional(Text),
    languages: Type.Optional(
      Type.Array(Type.Union([Type.Literal('en'), Type.Literal('cy')], { 'x-message': 'must be en or cy' }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Languages every text must be given in. Default [en].',
      }),
    ),
    audience: Type.Optional(Type.String({ description: 'Who answers, e.g. "local authority" or "prison".' })),
    dropped: Type.Optional(
      Type.Array(Type.Object({ id: Identifier, reason: Type.Optional(Type.String()) }, { additionalProperties: false }), {
        description: 'Questions of the previous version that this version no longer asks.',
      }),
    ),
    sections: Type.Array(Section, { minItems: 1 }),
  },
  {
    additionalProperties: false,
    $id: 'https://survey-waves.example/questionnaire.schema.json',
    title: 'Questionnaire definition',
    description: 'One version of a survey questionnaire: surveys/<survey>/<version>.yaml',
  },
)
export type Definition = Static<typeof Definition>

/** The JSON Schema document checked into surveys/ for editors and used by the validator. */
export function questionnaireJsonSchema(): Record<string, unknown> {
  const strip = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema))
  const root = strip(Definition) as Record<string, unknown>
  const condition = strip(Condition) as Record<string, unknown>
  delete condition.$id
  // TypeBox's recursive schema refers to itself by $id; in the combined document it lives in $defs.
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(node)) {
        out[k] = k === '$ref' && (v === 'Condition' || v === 'Condition#') ? '#/$defs/condition' : rewrite(v)
      }
      return out
    }
    return node
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(rewrite(root) as Record<string, unknown>),
    $defs: { condition: rewrite(condition) },
  }
}
