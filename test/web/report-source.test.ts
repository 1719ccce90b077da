import assert from 'node:assert/strict';
import { parseAttachmentLink } from '../../web/promotion-tab/report-source';

describe('parseAttachmentLink', function () {
  it('reads the build route form', function () {
    const href =
      'https://dev.azure.com/contoso/5b0c2c8e/_apis/build/builds/42/3f0e-timeline/9a1c-record/attachments/promotion-result/promotion_result.json';

    assert.deepEqual(parseAttachmentLink(href), { timelineId: '3f0e-timeline', recordId: '9a1c-record' });
  });

  it('reads the organisation-less form', function () {
    const href = 'https://contoso.visualstudio.com/5b0c2c8e/_apis/build/builds/42/t-1/r-1/attachments/promotion-result/a.json';

    assert.deepEqual(parseAttachmentLink(href), { timelineId: 't-1', recordId: 'r-1' });
  });

  it('reads the timelines and records form', function () {
    const href =
      'https://dev.azure.com/contoso/p/_apis/distributedtask/hubs/build/plans/plan-1/timelines/t-2/records/r-2/attachments/promotion-result/a.json';

    assert.deepEqual(parseAttachmentLink(href), { timelineId: 't-2', recordId: 'r-2' });
  });

  it('returns undefined without attachments segment', function () {
    assert.equal(parseAttachmentLink('https://dev.azure.com/contoso/p/_apis/build/builds/42'), undefined);
  });

  it('returns undefined for text that is no URL', function () {
    assert.equal(parseAttachmentLink('not a url'), undefined);
  });
});
