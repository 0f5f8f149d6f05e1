function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const SELECTION_PLACEMENTS = ['editor_button', 'resource_selection', 'assignment_selection'] as const;

/**
 * The LTI 1.1 cartridge (Common Cartridge basic LTI link) that Canvas ("Paste XML" / "By URL") and
 * Moodle read: the one launch URL, public privacy (names and email are needed for records and
 * certificates), course navigation as a plain launch, and the selection placements as
 * Content-Item selection requests so trainers pick modules from the catalog.
 */
export function cartridgeXml(baseUrl: string): string {
  const launchUrl = `${baseUrl}/lti/launch`;
  const domain = new URL(baseUrl).host;
  const property = (name: string, value: string, indent = '      ') => `${indent}<lticm:property name="${name}">${xml(value)}</lticm:property>`;
  const selection = SELECTION_PLACEMENTS.map((placement) =>
    [
      `    <lticm:options name="${placement}">`,
      property('url', launchUrl),
      property('message_type', 'ContentItemSelectionRequest'),
      property('text', '师训 Shixun'),
      property('enabled', 'true'),
      property('selection_width', '960'),
      property('selection_height', '640'),
      '    </lticm:options>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0"',
    '    xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0"',
    '    xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0"',
    '    xmlns:lticp="http://www.imsglobal.org/xsd/imslticp_v1p0"',
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://www.imsglobal.org/xsd/imslticc_v1p0 http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticc_v1p0.xsd http://www.imsglobal.org/xsd/imsbasiclti_v1p0 http://www.imsglobal.org/xsd/lti/ltiv1p0/imsbasiclti_v1p0p1.xsd http://www.imsglobal.org/xsd/imslticm_v1p0 http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticm_v1p0.xsd http://www.imsglobal.org/xsd/imslticp_v1p0 http://www.imsglobal.org/xsd/lti/ltiv1p0/imslticp_v1p0.xsd">',
    '  <blti:title>师训 Shixun</blti:title>',
    '  <blti:description>师训：中小学教师培训（班主任、校本研修、师德师风、校园安全）。Teacher training for primary and secondary schools.</blti:description>',
    `  <blti:launch_url>${xml(launchUrl)}</blti:launch_url>`,
    ...(launchUrl.startsWith('https:') ? [`  <blti:secure_launch_url>${xml(launchUrl)}</blti:secure_launch_url>`] : []),
    '  <blti:vendor>',
    '    <lticp:code>shixun</lticp:code>',
    '    <lticp:name>Shixun</lticp:name>',
    '  </blti:vendor>',
    '  <blti:extensions platform="canvas.instructure.com">',
    property('tool_id', 'shixun', '    '),
    property('privacy_level', 'public', '    '),
    property('domain', domain, '    '),
    '    <lticm:options name="course_navigation">',
    property('url', launchUrl),
    property('text', '师训 Shixun'),
    property('visibility', 'public'),
    property('default', 'enabled'),
    property('enabled', 'true'),
    '    </lticm:options>',
    ...selection,
    '  </blti:extensions>',
    '  <cartridge_bundle identifierref="BLTI001_Bundle"/>',
    '  <cartridge_icon identifierref="BLTI001_Icon"/>',
    '</cartridge_basiclti_link>',
    '',
  ].join('\n');
}
