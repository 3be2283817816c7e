// The name of an uploaded file as the browser sent it ("survey-2015-16.csv"). Uploads reach the
// routes as bytes (multipart's keyValues), which keep no name: it is noted here as each file
// part arrives, for the pages that record where data came from.
import type { FastifyRequest } from 'fastify'
import type { MultipartFile } from '@fastify/multipart'

const names = new WeakMap<FastifyRequest, Map<string, string>>()

/** multipart's onFile: reads the part into memory, as it would without onFile, and notes its name. */
export async function keepUploadName(this: FastifyRequest, part: MultipartFile): Promise<void> {
  await part.toBuffer()
  const own = names.get(this) ?? new Map<string, string>()
  own.set(part.fieldname, part.filename)
  names.set(this, own)
}

export function uploadedFileName(request: FastifyRequest, field: string): string | undefined {
  return names.get(request)?.get(field)
}
