#!/bin/sh
# Start a hall screen in Chromium, full screen, restarting it if it ever exits.
#   deploy/screen.sh kiosk   http://HALL:5000
#   deploy/screen.sh display http://HALL:5000          (hall TV, with sound)
#   deploy/screen.sh door    http://HALL:5000
# Pair each screen once by opening .../kiosk?token=…, .../display?token=… or
# .../display/door?token=… in this same browser profile; the cookie keeps it paired.
# Put it in the session's autostart (e.g. ~/.config/autostart) of a user that logs in by itself.
set -eu
kind=${1:?kiosk, display or door}
server=${2:?the hall server, e.g. http://192.168.1.10:5000}
case "$kind" in
  kiosk) path=/kiosk ;;
  display) path=/display ;;
  door) path=/display/door ;;
  *) echo "unknown screen: $kind" >&2; exit 2 ;;
esac
profile="${XDG_CONFIG_HOME:-$HOME/.config}/hall-$kind"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
while true; do
  # --autoplay-policy: the hall display speaks calls with nobody touching it.
  # --check-for-update-interval / --noerrdialogs / --disable-session-crashed-bubble: no pop-ups
  # over the screen after a power cut. --overscroll-history-navigation=0: a swipe on the
  # kiosk's touch screen never goes "back".
  "$browser" --kiosk --user-data-dir="$profile" \
    --autoplay-policy=no-user-gesture-required \
    --noerrdialogs --disable-session-crashed-bubble --disable-infobars \
    --check-for-update-interval=31536000 --overscroll-history-navigation=0 \
    --disable-pinch --password-store=basic \
    "$server$path" || true
  sleep 3
done
