/* SPDX-License-Identifier: MIT */
/* The kiosk's colours (0xRRGGBB). Every text colour is paired with the backgrounds it is
 * used on at a contrast of at least 4.5:1 (WCAG AA); tests/unit/test_ui_screen.c checks
 * every text of every screen. */
#ifndef VK_UI_PALETTE_H
#define VK_UI_PALETTE_H

#define UI_BG        0xFFFFFFu /* screens */
#define UI_FG        0x1B1B1Fu /* body text */
#define UI_MUTED     0x4A4F57u /* secondary text on white and light tints */
#define UI_BAR       0x0F2A4Au /* top bar, white text */
#define UI_BAR_BTN   0x2B4A70u /* buttons on the bar, white text */
#define UI_WHITE     0xFFFFFFu
#define UI_PRIMARY   0x0B57D0u /* main action, white text */
#define UI_SECONDARY 0xE3E8EFu /* other actions, body text */
#define UI_KEY_BG    0xF1F3F6u /* keyboard keys */
#define UI_KEY_BG2   0xDCE2EAu /* keyboard's layout keys */
#define UI_CARD      0xE3ECFAu /* a search result */
#define UI_OK        0x1B5E20u /* greeting, on white; white text on it */
#define UI_OK_TINT   0xE8F5E9u /* badge progress, dark green text */
#define UI_DANGER    0xB3261Eu /* refusals staff must handle; white text */
#define UI_WARN      0xFFC94Au /* refusals the attendee can fix; body text */
#define UI_FRAME     0x0B57D0u /* focused field, camera guide frame */
#define UI_PREVIEW   0x202428u /* camera area before the first frame; white text */
#define UI_DISABLED_BG 0xF7F8FAu /* keys that do nothing now (PIN lockout); muted text */

#endif
