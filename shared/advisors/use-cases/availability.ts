import { notFound } from '../../core/errors.ts';
import { setAvailability } from '../repository.ts';
import type { Advisor } from '../schemas.ts';

/** PATCH /advisors/{advisor_id}: whether the advisor takes new clients; its clients stay its own. */
export const updateAvailability = async (advisorId: string, available: boolean): Promise<Advisor> => {
  const advisor = await setAvailability(advisorId, available);
  if (!advisor) throw notFound('No such advisor');
  return advisor;
};
