import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

const ses = new SESv2Client({});

export const handler = async (input: { brandId: string; name: string; ownerEmail: string }) => {
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'welcome@brand-platform.example',
      Destination: { ToAddresses: [input.ownerEmail] },
      Content: {
        Simple: {
          Subject: { Data: `Welcome to the brand platform, ${input.name}` },
          Body: { Text: { Data: `Your brand ${input.name} is ready. Upload your first logo!` } },
        },
      },
    }),
  );
  return input;
};
