import { loadCatalogue } from '../src/questionnaire/catalogue.js'
import { formatProblem } from '../src/questionnaire/problems.js'
const r = loadCatalogue(process.argv[2])
for (const p of r.problems) console.log(formatProblem(p))
console.log(!!r.catalogue)
