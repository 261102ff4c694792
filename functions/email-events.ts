import type { Context } from 'aws-lambda';
import { withLogContext } from '../shared/log';
import { handleEmailEvent, type EmailEventOutcome } from '../shared/services/email-events';

/**
 * SES bounce and complaint events, from the configuration set's EventBridge destination (a rule
 * on the default bus runs this). A failure throws, so EventBridge retries the event.
 */
export async function handler(event: unknown, context: Context): Promise<EmailEventOutcome> {
  return withLogContext({ requestId: context.awsRequestId, route: 'email-events' }, () =>
    handleEmailEvent(event, { requestId: context.awsRequestId, ip: '0.0.0.0' }),
  );
}
