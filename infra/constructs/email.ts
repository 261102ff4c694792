import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** The SES identity Gatehouse sends from: an address, or a whole domain when given one. */
export class Email extends Construct {
  readonly identity: EmailIdentity;
  readonly sender: string;

  constructor(scope: Construct, id: string, props: { sender: string }) {
    super(scope, id);
    this.sender = props.sender;
    const domain = props.sender.includes('@') ? undefined : props.sender;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: domain ? Identity.domain(domain) : Identity.email(props.sender),
    });
  }

  /** ses:SendEmail on this identity only. */
  grantSend(grantee: IGrantable): void {
    this.identity.grantSendEmail(grantee);
  }
}
