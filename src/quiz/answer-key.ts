import type { QuestionItem } from '../courses';
import type { ItemResponse } from './response';

/** The response that earns full marks on an item, in bank ids (for previews and demo data). */
export function answerKey(item: QuestionItem): ItemResponse {
  switch (item.type) {
    case 'single':
      return { type: 'single', optionId: item.answer };
    case 'multiple':
      return { type: 'multiple', optionIds: item.answer };
    case 'true-false':
      return { type: 'true-false', value: item.answer };
    case 'ordering':
      return { type: 'ordering', stepIds: item.answer };
    case 'matching':
      return { type: 'matching', matches: item.answer };
  }
}
