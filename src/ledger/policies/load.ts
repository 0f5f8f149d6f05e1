import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { YamlSource, type CourseError } from '../../courses';
import { policyProfileSchema, type PolicyProfile } from './schema';

/** The profiles shipped with Shixun; regions add their own files here. */
export const PROFILES_DIR = path.join(__dirname, 'profiles');

export interface LoadedProfiles {
  profiles: PolicyProfile[];
  errors: CourseError[];
}

/** Reads and validates every profile, reporting every problem with file and line. */
export function loadPolicyProfiles(dir = PROFILES_DIR, relativeTo = process.cwd()): LoadedProfiles {
  const profiles: PolicyProfile[] = [];
  const errors: CourseError[] = [];
  if (!existsSync(dir)) return { profiles, errors: [{ file: dir, line: 1, column: 1, message: 'policy profiles folder not found' }] };
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort()) {
    const file = path.join(dir, name);
    const source = new YamlSource(path.relative(relativeTo, file), readFileSync(file, 'utf8'));
    const { data, errors: found } = source.validate(policyProfileSchema);
    errors.push(...found);
    if (!data) continue;
    if (data.id !== path.basename(name, '.yaml')) {
      errors.push(source.errorAtPath(['id'], `profile id "${data.id}" must match its file name`));
      continue;
    }
    profiles.push(data);
  }
  return { profiles, errors };
}

export function findProfile(profiles: readonly PolicyProfile[], id: string): PolicyProfile | undefined {
  return profiles.find((profile) => profile.id === id);
}
