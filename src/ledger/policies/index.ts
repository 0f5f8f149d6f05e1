export { AUDIENCES, audienceSchema, policyProfileSchema, requirementSchema, type Audience, type PolicyProfile, type Requirement } from './schema';
export { evaluateTeacher, type TeacherFacts, type CountedHours, type RequirementStatus } from './evaluate';
export { loadPolicyProfiles, findProfile, PROFILES_DIR, type LoadedProfiles } from './load';
export { trainingYearOf, trainingYearsRange } from './training-year';
export { complianceReport, countedHoursByTeacher, evaluateOne, type TeacherCompliance, type ComplianceFilter } from './compliance';
export { effectiveProfile, setOverride, overrideHistory, PolicyOverrideError, PolicyOverrideModel, type OverrideChange, type OverrideHistoryRow } from './overrides';
