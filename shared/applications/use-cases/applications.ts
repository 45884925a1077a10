import type { Scope } from '../../core/auth.ts';
import { notFound } from '../../core/errors.ts';
import type { Page } from '../../core/validation.ts';
import { hashToken, newApiKey } from '../keys.ts';
import { createApplication, deleteApplication, listApplications } from '../repository.ts';
import type { Application } from '../schemas.ts';

/** POST /applications: the new application with its API key, which is shown this once and never stored. */
export const registerApplication = async (name: string, scopes: Scope[]) => {
  const apiKey = newApiKey();
  const app = await createApplication({ name, scopes, keyHash: hashToken(apiKey) });
  return { ...app, api_key: apiKey };
};

/** GET /applications: one page of the applications, oldest first. */
export const applicationsPage = (limit: number, cursor?: string): Promise<Page<Application>> =>
  listApplications(limit, cursor);

/** DELETE /applications/{application_id}: the application and its key are gone. */
export const removeApplication = async (applicationId: string): Promise<void> => {
  if (!(await deleteApplication(applicationId))) throw notFound('Application not found');
};
