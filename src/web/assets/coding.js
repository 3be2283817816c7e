// Passage coding with JavaScript on: selecting words in an answer fills in its "Code a passage"
// form (the words, and their exact place in the answer) and opens it. Without JavaScript the
// same form takes the words copied by hand, and the server finds them in the answer.
document.addEventListener('mouseup', fillPassage)
document.addEventListener('keyup', (event) => {
  if (event.shiftKey) fillPassage()
})

function fillPassage() {
  const selection = window.getSelection()
  if (!selection || selection.isCollapsed || !selection.rangeCount) return
  const range = selection.getRangeAt(0)
  const text = range.commonAncestorContainer.nodeType === Node.ELEMENT_NODE ? range.commonAncestorContainer : range.commonAncestorContainer.parentElement
  const answer = text && text.closest('[data-answer-text]')
  if (!answer) return
  const section = answer.closest('section')
  const form = section && section.querySelector('[data-passage-form]')
  if (!form) return
  const offset = (node, at) => {
    const before = document.createRange()
    before.setStart(answer, 0)
    before.setEnd(node, at)
    return before.toString().length
  }
  const start = offset(range.startContainer, range.startOffset)
  const end = offset(range.endContainer, range.endOffset)
  if (end <= start) return
  form.querySelector('[name="passage"]').value = answer.textContent.slice(start, end)
  form.querySelector('[name="start"]').value = String(start)
  form.querySelector('[name="end"]').value = String(end)
  const details = form.closest('details')
  if (details) details.open = true
}
