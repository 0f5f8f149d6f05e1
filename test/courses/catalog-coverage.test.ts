import path from 'node:path';
import { loadCatalog, type Track } from '../../src/courses';
import { findProfile, loadPolicyProfiles } from '../../src/ledger/policies';

/**
 * What the shipped catalog promises teachers and registrars: every school-safety topic has a
 * quiz, and each homeroom tier offers at least the hours the default policy profile requires.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
const defaultProfile = findProfile(loadPolicyProfiles().profiles, 'default')!;
const hoursIn = (track: Track) => catalog.modules.filter((m) => m.manifest.track === track).reduce((sum, m) => sum + m.manifest.creditHours, 0);
const minimum = (requirementId: string) => defaultProfile.requirements.find((r) => r.id === requirementId)!.minimumHours;

const SAFETY_TOPICS = [
  'safety-fire',
  'safety-drowning',
  'safety-traffic',
  'safety-stairways',
  'safety-food',
  'safety-campus-security',
  'safety-weather-buildings',
  'safety-dormitory',
  'safety-mental-health',
  'safety-incidents',
];

describe('the shipped catalog', () => {
  it('validates', () => {
    expect(catalog.errors).toEqual([]);
  });

  it.each(SAFETY_TOPICS)('has a safety module with a quiz of at least 20 items: %s', (topic) => {
    const module = catalog.modules.find((m) => m.manifest.id === topic);
    expect(module?.manifest.track).toBe('safety');
    const banks = new Set(module!.manifest.assessment!.pools.map((pool) => pool.bank));
    const items = catalog.banks.filter((b) => banks.has(b.bank.id)).reduce((sum, b) => sum + b.bank.items.length, 0);
    expect(items).toBeGreaterThanOrEqual(20);
  });

  it('offers the new-homeroom tier at least the pre-service hours of the default profile', () => {
    expect(hoursIn('homeroom-new')).toBeGreaterThanOrEqual(minimum('homeroom-new-pre-service'));
  });

  it('offers in-service homeroom teachers at least a year of thematic hours', () => {
    expect(hoursIn('homeroom-inservice')).toBeGreaterThanOrEqual(minimum('homeroom-inservice-annual'));
  });

  it.each<Track>(['homeroom-backbone', 'school-based', 'ethics-integrity'])('has modules for %s', (track) => {
    expect(catalog.modules.filter((m) => m.manifest.track === track).length).toBeGreaterThan(0);
  });

  it('gives every module an assessment and every bank at least 20 items with feedback', () => {
    for (const { manifest } of catalog.modules) expect({ id: manifest.id, assessed: manifest.assessment !== undefined }).toEqual({ id: manifest.id, assessed: true });
    for (const { bank } of catalog.banks) {
      expect({ id: bank.id, enough: bank.items.length >= 20 }).toEqual({ id: bank.id, enough: true });
      for (const item of bank.items) expect(item.feedback.length).toBeGreaterThan(10);
    }
  });
});
