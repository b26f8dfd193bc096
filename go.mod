module github.com/passk/passk

go 1.26.8
