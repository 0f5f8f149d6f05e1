export { recordPlacement, placementsWithOutcome, placementsInContext } from './service';
export { PlacementModel, type Placement } from './store';
