// A team's privacy notice is plain text: headings, lists and links are read from a few
// conventions, and nothing the team types can become markup or a script link.
import t from 'tap'
import { inlineText, noticeBlocks } from '../../src/web/notice-text.js'

t.test('headings, paragraphs and lists are read from plain text', async (t) => {
  const blocks = noticeBlocks('## Who we are\nThe study team.\nSecond line.\n\n- answers\n* contacts\nAfter the list.\r\n\r\n# Rights\n')
  t.same(blocks, [
    { kind: 'heading', content: [{ text: 'Who we are' }] },
    { kind: 'paragraph', lines: [[{ text: 'The study team.' }], [{ text: 'Second line.' }]] },
    { kind: 'list', items: [[{ text: 'answers' }], [{ text: 'contacts' }]] },
    { kind: 'paragraph', lines: [[{ text: 'After the list.' }]] },
    { kind: 'heading', content: [{ text: 'Rights' }] },
  ])
})

t.test('web and e-mail addresses become links, without the full stop that ends the sentence', async (t) => {
  t.same(inlineText('Write to dpo@example.ac.uk or see https://ico.org.uk/make-a-complaint/.'), [
    { text: 'Write to ' },
    { text: 'dpo@example.ac.uk', href: 'mailto:dpo@example.ac.uk' },
    { text: ' or see ' },
    { text: 'https://ico.org.uk/make-a-complaint/', href: 'https://ico.org.uk/make-a-complaint/' },
    { text: '.' },
  ])
})

t.test('only web and e-mail addresses are linked: no other scheme, no markup', async (t) => {
  const parts = noticeBlocks('<a href="javascript:alert(1)">x</a> javascript:alert(1) data:text/html,hi').flatMap((b) => (b.kind === 'paragraph' ? b.lines.flat() : []))
  t.same(parts, [{ text: '<a href="javascript:alert(1)">x</a> javascript:alert(1) data:text/html,hi' }], 'kept as text, to be escaped by the template')
})
