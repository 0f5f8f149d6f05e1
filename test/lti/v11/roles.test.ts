import { mapLmsRoles, splitLti11Roles } from '../../../src/lti/roles';

const V2 = 'http://purl.imsglobal.org/vocab/lis/v2/';

describe('mapping LMS roles to Shixun roles', () => {
  test.each([
    [['Instructor'], ['trainer']],
    [['urn:lti:role:ims/lis/Instructor'], ['trainer']],
    [[`${V2}membership#Instructor`], ['trainer']],
    [['ContentDeveloper'], ['trainer']],
    [[`${V2}membership#ContentDeveloper`], ['trainer']],
    [['TeachingAssistant'], ['trainer']],
    [['urn:lti:role:ims/lis/TeachingAssistant'], ['trainer']],
    [[`${V2}membership/Instructor#TeachingAssistant`], ['trainer']],
    [['Administrator'], ['admin']],
    [['urn:lti:instrole:ims/lis/Administrator'], ['admin']],
    [['urn:lti:sysrole:ims/lis/SysAdmin'], ['admin']],
    [[`${V2}institution/person#Administrator`], ['admin']],
    [[`${V2}system/person#Administrator`], ['admin']],
    [[`${V2}membership#Administrator`], ['admin']],
    [['Learner'], ['learner']],
    [['urn:lti:role:ims/lis/Learner/NonCreditLearner'], ['learner']],
    [[`${V2}membership#Learner`], ['learner']],
    [['Mentor', 'urn:lti:role:ims/lis/Observer'], ['learner']],
    [[], ['learner']],
    [['http://example.com/made-up#Wizard', '', 'not a role!'], ['learner']],
    [['Instructor', 'urn:lti:instrole:ims/lis/Administrator'], ['admin', 'trainer']],
    [['instructor'], ['trainer']],
  ])('%j → %j', (lms, expected) => {
    expect(mapLmsRoles(lms)).toEqual(expected);
  });

  test('an institution-level Instructor who is a learner in this course stays a learner (Canvas sends both)', () => {
    expect(mapLmsRoles([`${V2}institution/person#Instructor`, `${V2}membership#Learner`])).toEqual(['learner']);
    expect(mapLmsRoles(['urn:lti:instrole:ims/lis/Instructor', 'Learner'])).toEqual(['learner']);
  });

  test('LTI 1.1 roles arrive as one comma-separated parameter', () => {
    expect(splitLti11Roles('Instructor, urn:lti:instrole:ims/lis/Administrator,,')).toEqual(['Instructor', 'urn:lti:instrole:ims/lis/Administrator']);
    expect(splitLti11Roles(undefined)).toEqual([]);
  });
});
