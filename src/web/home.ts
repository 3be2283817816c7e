// The pages anyone can reach by typing the address: the home page (for a respondent who has
// lost their link, and for the research team, whose list of questionnaires is at /surveys),
// the accessibility statement, the service's privacy notice and the cookies it sets. In English
// and Welsh, following the language the person chose on a survey's pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { LANGUAGES } from '../questionnaire/schema.js'
import { chooseLanguage } from './language.js'
import { renderPage } from './render.js'

const langQuery = { type: 'object', properties: { lang: { type: 'string', maxLength: 10 } } } as const

export async function homeRoutes(app: FastifyInstance) {
  const sitePage = (template: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const languages = [...LANGUAGES]
    return renderPage(request, reply, template, { user: request.user }, { language: chooseLanguage(request, reply, languages), languages })
  }
  app.get('/', { schema: { querystring: langQuery } }, sitePage('site/home'))
  app.get('/accessibility', { schema: { querystring: langQuery } }, sitePage('site/accessibility'))
  app.get('/privacy', { schema: { querystring: langQuery } }, sitePage('site/privacy'))
  app.get('/cookies', { schema: { querystring: langQuery } }, sitePage('site/cookies'))
}
