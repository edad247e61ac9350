Attribute VB_Name = "Hyeopchi"
' hyeopchi buttons on the sheet named "silhaeng" (the control sheet).
' Each macro runs one handler of hyeopchi.excel.handlers through xlwings' RunPython;
' the handler reads the calling book, writes its result sheets and the status cell.
' Keep in step with BUTTONS in python/hyeopchi/excel/layout.py (a test checks it).
Option Explicit

Public Sub HyeopchiValidate()
    RunPython "import hyeopchi.excel.handlers as h; h.validate()"
End Sub

Public Sub HyeopchiOverlap()
    RunPython "import hyeopchi.excel.handlers as h; h.overlap()"
End Sub

Public Sub HyeopchiAttendance()
    RunPython "import hyeopchi.excel.handlers as h; h.attendance()"
End Sub

Public Sub HyeopchiAllowance()
    RunPython "import hyeopchi.excel.handlers as h; h.allowance()"
End Sub

Public Sub HyeopchiReport()
    RunPython "import hyeopchi.excel.handlers as h; h.report()"
End Sub

Public Sub HyeopchiReview()
    RunPython "import hyeopchi.excel.handlers as h; h.review()"
End Sub

Public Sub HyeopchiScreen()
    RunPython "import hyeopchi.excel.handlers as h; h.screen()"
End Sub

Public Sub HyeopchiDoctor()
    RunPython "import hyeopchi.excel.handlers as h; h.doctor()"
End Sub
