import t from 'tap'
import { attributeLabel } from '../../src/web/attribute-label.js'

t.equal(attributeLabel('authority_type'), 'Authority type')
t.equal(attributeLabel('region'), 'Region')
t.equal(attributeLabel('prison_category'), 'Prison category')
t.equal(attributeLabel('nhs_region'), 'NHS region', 'acronyms stay capitals')
t.equal(attributeLabel('ons_code'), 'ONS code')
t.equal(attributeLabel('Local-Authority TYPE'), 'Local authority type', 'hyphens and spaces, shouting lowered')
t.equal(attributeLabel(''), '', 'nothing stays nothing')
