import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { Problem, conflict } from '../errors';
import { cancellationReasons, db, isConditionFailure, unavailable } from './client';

export type WriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One item of a transaction and the typed error its failed condition stands for. */
export interface TxItem {
  write: WriteItem;
  onConditionFailed?: () => Problem;
}

/**
 * Writes every item or none. A failed condition is turned into the item's own typed error
 * here, so callers see `login_taken` or `precondition_failed`, never a DynamoDB exception.
 */
export async function transact(items: TxItem[]): Promise<void> {
  // One item needs no transaction, which would cost twice the capacity for the same guarantee.
  if (items.length === 1) return writeOne(items[0]!);
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items.map((item) => item.write) }));
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (!reasons) throw error;
    const failed = reasons.findIndex((reason) => reason === 'ConditionalCheckFailed');
    if (failed >= 0) {
      throw items[failed]?.onConditionFailed?.() ?? conflict('conflict', 'The change conflicts with the current state.');
    }
    if (reasons.includes('ThrottlingError') || reasons.includes('ProvisionedThroughputExceeded')) throw unavailable();
    // Another transaction touched the same items at the same moment: the caller may retry.
    if (reasons.includes('TransactionConflict')) {
      throw conflict('concurrent_change', 'Another change to the same data happened at the same time; try again.');
    }
    throw error;
  }
}

async function writeOne(item: TxItem): Promise<void> {
  const { Put, Update, Delete, ConditionCheck } = item.write;
  try {
    if (Put) await db().send(new PutCommand(Put));
    else if (Update) await db().send(new UpdateCommand(Update as UpdateCommandInput));
    else if (Delete) await db().send(new DeleteCommand(Delete));
    else if (ConditionCheck) throw new Error('a lone condition check writes nothing');
  } catch (error) {
    if (isConditionFailure(error)) throw item.onConditionFailed?.() ?? conflict('conflict', 'The change conflicts with the current state.');
    throw error;
  }
}
