; pos-app installer (NSIS 3, Unicode). Built by packaging/build.py --installer:
;   makensis -DVERSION=0.1.0 -DBUNDLE=dist\pos-app -DOUTFILE=build\pos-app-0.1.0-setup.exe installer.nsi
;
; Installs per machine into Program Files, with Start menu and desktop shortcuts.
; Command line (all optional; /S installs silently):
;   /CONFIG=C:\path\terminal.toml  a prepared configuration, checked by the app and installed
;                                  for every user (C:\ProgramData\pos-app\terminal.toml)
;   /AUTOSTART                     start the cashier window in kiosk mode at every sign-in
; The uninstaller removes the program only: the configuration (ProgramData) and each user's
; journal and logs (AppData) stay, so no payment record is ever lost by an uninstall.

Unicode true
!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\pos-app"
!endif
!ifndef OUTFILE
  !define OUTFILE "pos-app-${VERSION}-setup.exe"
!endif

!define APP "pos-app"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel admin
SetCompressor /SOLID lzma

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1049 "ProductName" "${APP}"
VIAddVersionKey /LANG=1049 "FileDescription" "${APP} installer"
VIAddVersionKey /LANG=1049 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1049 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1049 "CompanyName" "${APP}"
VIAddVersionKey /LANG=1049 "LegalCopyright" "${APP}"

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"

Var ConfigFile


Section "!${APP}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update replaces the program folder whole: no stale library from an older version.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\pos-app.exe"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP} (training).lnk" "$INSTDIR\pos-app.exe" "--demo"
  CreateShortcut "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\pos-app.exe"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1

  ${If} $ConfigFile != ""
    ; The app checks the file (every key named on a problem) before it is installed.
    nsExec::ExecToLog '"$INSTDIR\pos-app-cli.exe" config import --machine "$ConfigFile"'
    Pop $0
    ${If} $0 != 0
      MessageBox MB_ICONEXCLAMATION|MB_OK "The configuration $ConfigFile was not installed: \
        it has problems (see the details). Fix it and run: pos-app-cli config import --machine FILE" /SD IDOK
      SetErrorLevel 2
    ${EndIf}
  ${EndIf}
SectionEnd

Section /o "Start in kiosk mode at sign-in" SecAutostart
  WriteRegStr HKLM "${RUN_KEY}" "${APP}" '"$INSTDIR\pos-app.exe" --kiosk'
SectionEnd

; After the sections: it refers to their indexes.
Function .onInit
  SetShellVarContext all
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/CONFIG=" $ConfigFile
  ${If} ${Errors}
    StrCpy $ConfigFile ""
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/AUTOSTART" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecAutostart} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  DeleteRegValue HKLM "${RUN_KEY}" "${APP}"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  ; Only the program folder: configuration and journals are the store's records.
  RMDir /r "$INSTDIR"
SectionEnd
