import { formatCourseError } from '../courses';
import { PROJECT_ROOT } from '../db';
import { loadPolicyProfiles } from '../ledger/policies';
import type { CliContext } from './context';

/** `shixun policies check`: every requirement profile valid, or exit 1 with each error located. */
export function checkPolicies(context: CliContext): number {
  const { profiles, errors } = loadPolicyProfiles(undefined, PROJECT_ROOT);
  for (const error of errors) context.out(formatCourseError(error));
  context.out(`${profiles.length} policy profiles valid (${profiles.map((p) => p.id).join(', ')}); ${errors.length} errors`);
  return errors.length === 0 ? 0 : 1;
}
