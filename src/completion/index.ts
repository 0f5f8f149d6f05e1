export { completeIfEligible, currentCompletion, listCompletions, listCompletionsSince } from './service';
export { onCompletion, type CompletionListener } from './events';
export { CompletionModel, type Completion } from './store';
