export { rosterRoutes } from './routes';
export { fetchRoster, nextLink, RosterFetchError, type RosterMember } from './fetch';
export { rosterCourses, courseRoster, type RosterCourse, type CourseRoster, type RosterRow } from './service';
