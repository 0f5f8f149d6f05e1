export { enqueuePassbacks, enqueueForCompletion, registerPassbackListener, catchUpPassbacks, isLearnerPlacement, CATCH_UP_DAYS } from './enqueue';
export { runDueJobs, startPassbackWorker, type PassbackWorker, type RunReport, type Sender } from './worker';
export { sendScore, type SendOptions, type SendResult } from './send';
export { listPassbacks, retryPassback, type PassbackFilter, type PassbackView } from './queries';
export { MAX_TRIES, delayAfterFailure } from './policy';
export { PassbackJobModel, PassbackTryModel, PASSBACK_STATES, type PassbackJob, type PassbackTry, type PassbackState } from './store';
export { passbackAdminRoutes } from './routes';
